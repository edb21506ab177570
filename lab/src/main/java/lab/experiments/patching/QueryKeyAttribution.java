package lab.experiments.patching;

import ai.djl.ndarray.types.DataType;
import java.util.List;
import lab.runtime.ModelConfig;

/**
 * Kramár et al.'s AtP* estimate of patching a head's queries or keys in one layer (their fix for
 * saturated attention). A query or key reaches the metric only through its head's attention
 * pattern, and the softmax that makes the pattern is where plain AtP's linearisation fails: on a
 * saturated row its gradient is ~0 however far the patch moves the scores. So the pattern is
 * recomputed exactly, in double, from the cached queries and keys: a patched query changes its own
 * row, a patched key its column (every row that sees it, each renormalised), and the change of the
 * pattern is taken to first order from there on: sum over cells of (A_patched - A) . d logit_diff /
 * d A, the gradient at {@code hook_pattern} on the receiving run.
 *
 * <p>Scores are q . k times the layer's scale over the keys the causal mask (and a local window)
 * lets a query see, as {@link lab.runtime.components.Attention} computes them. With rotary, the
 * scores are made of the rotated queries and keys (hook_rot_q, hook_rot_k); a patch of hook_q at a
 * position is rotated for that same position, so the source's rotated value is the patched one.
 */
final class QueryKeyAttribution {

    private final boolean keys;
    private final int length;
    private final int window;
    /** Receiver's scores [head][query][key], masked cells unused. */
    private final double[][][] scores;
    /** Scores with the source's queries (query patch) or keys (key patch) against the receiver's others. */
    private final double[][][] crossed;
    /**
     * The receiver's pattern, softmax of {@link #scores}: recomputed in double from the same q and k
     * as the patched rows rather than read from the cached float32 hook_pattern, so that the
     * difference A' - A is not dominated by the cache's rounding where a patch barely moves a row.
     */
    private final double[][][] pattern;
    /** d logit_diff / d pattern on the receiving run [head][query][key]. */
    private final double[][][] gradient;

    private QueryKeyAttribution(boolean keys, int length, int window, double[][][] scores, double[][][] crossed,
                                double[][][] gradient) {
        this.keys = keys;
        this.length = length;
        this.window = window;
        this.scores = scores;
        this.crossed = crossed;
        this.gradient = gradient;
        this.pattern = new double[scores.length][length][];
        for (int h = 0; h < scores.length; h++) {
            for (int t = 0; t < length; t++) {
                pattern[h][t] = softmax(scores[h][t], t);
            }
        }
    }

    /** The hook points a layer's estimate reads: the queries and keys the scores use, and the pattern. */
    static List<String> hooks(ModelConfig config, int layer) {
        return List.of(queryHook(config, layer), keyHook(config, layer), patternHook(layer));
    }

    /**
     * @param run cached at {@link #hooks} of {@code layer}, with the receiver's gradient
     * @param keys true for head_k, false for head_q
     */
    static QueryKeyAttribution of(GradientRun run, ModelConfig config, int layer, boolean keys, int source, int receiver) {
        String q = queryHook(config, layer);
        String k = keyHook(config, layer);
        double[][][] qReceiver = headsFirst(run.activation(q, receiver).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double[][][] kReceiver = headsFirst(run.activation(k, receiver).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double[][][] patched = headsFirst(run.activation(keys ? k : q, source).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double scale = config.attentionScale()[layer];
        int length = qReceiver[0].length;
        double[] g = run.gradient(patternHook(layer), receiver).toType(DataType.FLOAT64, false).toDoubleArray();
        double[][][] gradient = new double[config.nHeads()][length][length];
        for (int h = 0; h < config.nHeads(); h++) {
            for (int t = 0; t < length; t++) {
                System.arraycopy(g, (h * length + t) * length, gradient[h][t], 0, length);
            }
        }
        return new QueryKeyAttribution(keys, length, config.attentionWindow()[layer],
                products(qReceiver, kReceiver, scale), keys ? products(qReceiver, patched, scale) : products(patched, kReceiver, scale),
                gradient);
    }

    /**
     * The first-order change of logit_diff when the site's queries (or keys) are the source's: a
     * head at one position, or at every position ({@link PatchSite#ALL}).
     */
    double estimate(PatchSite site) {
        int h = site.head();
        int p = site.position();
        double sum = 0;
        for (int t = 0; t < length; t++) {
            double[] row;
            if (!keys) {
                if (p != PatchSite.ALL && p != t) {
                    continue;
                }
                row = crossed[h][t];
            } else if (p == PatchSite.ALL) {
                row = crossed[h][t];
            } else {
                if (!visible(t, p)) {
                    continue;
                }
                row = scores[h][t].clone();
                row[p] = crossed[h][t][p];
            }
            double[] after = softmax(row, t);
            for (int key = 0; key < length; key++) {
                sum += (after[key] - pattern[h][t][key]) * gradient[h][t][key];
            }
        }
        return sum;
    }

    private boolean visible(int query, int key) {
        return key <= query && (window == 0 || query - key < window);
    }

    /** Softmax of a query row over the keys it sees; 0 elsewhere. */
    private double[] softmax(double[] row, int query) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
            if (visible(query, k)) {
                max = Math.max(max, row[k]);
            }
        }
        double[] out = new double[length];
        double total = 0;
        for (int k = 0; k < length; k++) {
            if (visible(query, k)) {
                out[k] = Math.exp(row[k] - max);
                total += out[k];
            }
        }
        for (int k = 0; k < length; k++) {
            out[k] /= total;
        }
        return out;
    }

    /** scale * q . k per head [head][query][key]. */
    private static double[][][] products(double[][][] q, double[][][] k, double scale) {
        int heads = q.length;
        int length = q[0].length;
        double[][][] out = new double[heads][length][length];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < length; t++) {
                for (int s = 0; s < length; s++) {
                    double dot = 0;
                    for (int d = 0; d < q[h][t].length; d++) {
                        dot += q[h][t][d] * k[h][s][d];
                    }
                    out[h][t][s] = dot * scale;
                }
            }
        }
        return out;
    }

    /** A [1, pos, head, d_head] activation as [head][pos][d_head]. */
    private static double[][][] headsFirst(double[] flat, ModelConfig config) {
        int heads = config.nHeads();
        int dHead = config.dHead();
        int length = flat.length / (heads * dHead);
        double[][][] out = new double[heads][length][dHead];
        for (int t = 0; t < length; t++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(flat, (t * heads + h) * dHead, out[h][t], 0, dHead);
            }
        }
        return out;
    }

    private static String queryHook(ModelConfig config, int layer) {
        return "blocks." + layer + ".attn." + (rotary(config) ? "hook_rot_q" : "hook_q");
    }

    private static String keyHook(ModelConfig config, int layer) {
        return "blocks." + layer + ".attn." + (rotary(config) ? "hook_rot_k" : "hook_k");
    }

    private static String patternHook(int layer) {
        return "blocks." + layer + ".attn.hook_pattern";
    }

    private static boolean rotary(ModelConfig config) {
        return config.positional() == ModelConfig.Positional.ROTARY;
    }
}
