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
 *
 * <p>{@link Side#BOTH} patches every head's query and key at one position together, as a patch of
 * the residual entering the block does ({@link ResidualAttribution}): row p and column p move, and
 * cell (p, p) pairs the source's query with the source's key.
 */
final class QueryKeyAttribution {

    /** What a patch replaces in the layer's attention scores. */
    enum Side {
        /** A head's queries: its rows (head_q). */
        QUERIES,
        /** A head's keys: its columns (head_k). */
        KEYS,
        /** Both at one position, as a patch of the residual entering the block makes them (layer_resid). */
        BOTH
    }

    private final Side side;
    private final int length;
    private final int window;
    /** Receiver's scores [head][query][key], masked cells unused. */
    private final double[][][] scores;
    /** Scores of the source's queries against the receiver's keys [head][query][key]. */
    private final double[][][] sourceQueryScores;
    /** Scores of the receiver's queries against the source's keys [head][query][key]. */
    private final double[][][] sourceKeyScores;
    /** Scores of the source's query and key at one position [head][position], the cell a BOTH patch moves twice. */
    private final double[][] sourceDiagonalScores;
    /**
     * The receiver's pattern, softmax of {@link #scores}: recomputed in double from the same q and k
     * as the patched rows rather than read from the cached float32 hook_pattern, so that the
     * difference A' - A is not dominated by the cache's rounding where a patch barely moves a row.
     */
    private final double[][][] pattern;
    /** d logit_diff / d pattern on the receiving run [head][query][key]. */
    private final double[][][] gradient;

    private QueryKeyAttribution(Side side, int length, int window, double[][][] scores, double[][][] sourceQueryScores,
                                double[][][] sourceKeyScores, double[][] sourceDiagonalScores, double[][][] gradient) {
        this.side = side;
        this.length = length;
        this.window = window;
        this.scores = scores;
        this.sourceQueryScores = sourceQueryScores;
        this.sourceKeyScores = sourceKeyScores;
        this.sourceDiagonalScores = sourceDiagonalScores;
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
     */
    static QueryKeyAttribution of(GradientRun run, ModelConfig config, int layer, Side side, int source, int receiver) {
        String q = queryHook(config, layer);
        String k = keyHook(config, layer);
        double[][][] qReceiver = headsFirst(run.activation(q, receiver).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double[][][] kReceiver = headsFirst(run.activation(k, receiver).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double[][][] qSource = side == Side.KEYS ? null
                : headsFirst(run.activation(q, source).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double[][][] kSource = side == Side.QUERIES ? null
                : headsFirst(run.activation(k, source).toType(DataType.FLOAT64, false).toDoubleArray(), config);
        double scale = config.attentionScale()[layer];
        int length = qReceiver[0].length;
        double[] g = run.gradient(patternHook(layer), receiver).toType(DataType.FLOAT64, false).toDoubleArray();
        double[][][] gradient = new double[config.nHeads()][length][length];
        double[][] diagonal = side == Side.BOTH ? new double[config.nHeads()][length] : null;
        for (int h = 0; h < config.nHeads(); h++) {
            for (int t = 0; t < length; t++) {
                System.arraycopy(g, (h * length + t) * length, gradient[h][t], 0, length);
                if (diagonal != null) {
                    diagonal[h][t] = dot(qSource[h][t], kSource[h][t]) * scale;
                }
            }
        }
        return new QueryKeyAttribution(side, length, config.attentionWindow()[layer], products(qReceiver, kReceiver, scale),
                side == Side.KEYS ? null : products(qSource, kReceiver, scale),
                side == Side.QUERIES ? null : products(qReceiver, kSource, scale), diagonal, gradient);
    }

    /**
     * The first-order change of logit_diff when the site's queries, keys or both (by {@link Side})
     * are the source's: a head at one position, or at every position ({@link PatchSite#ALL}; not
     * for both).
     */
    double estimate(PatchSite site) {
        return patternChange(site.head(), site.position());
    }

    /** The first-order change of logit_diff through every head's pattern, the patch at {@code position}. */
    double everyHead(int position) {
        double sum = 0;
        for (int h = 0; h < scores.length; h++) {
            sum += patternChange(h, position);
        }
        return sum;
    }

    /**
     * sum over cells of (A' - A) . d logit_diff / d A for head {@code h}, A' the pattern with the
     * source's queries in row {@code p} (every row when p is {@link PatchSite#ALL}), its keys in
     * column p (every column), or both at p.
     */
    private double patternChange(int h, int p) {
        if (side == Side.BOTH && p == PatchSite.ALL) {
            throw new IllegalArgumentException("queries and keys together are patched at one position at a time");
        }
        double sum = 0;
        for (int t = 0; t < length; t++) {
            double[] row;
            if (p == PatchSite.ALL) {
                row = side == Side.QUERIES ? sourceQueryScores[h][t] : sourceKeyScores[h][t];
            } else if (side != Side.KEYS && t == p) {
                row = sourceQueryScores[h][t];
                if (side == Side.BOTH) {
                    row = row.clone();
                    row[p] = sourceDiagonalScores[h][p];
                }
            } else if (side != Side.QUERIES && visible(t, p)) {
                row = scores[h][t].clone();
                row[p] = sourceKeyScores[h][t][p];
            } else {
                continue;
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
                    out[h][t][s] = dot(q[h][t], k[h][s]) * scale;
                }
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += a[d] * b[d];
        }
        return sum;
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

    static String patternHook(int layer) {
        return "blocks." + layer + ".attn.hook_pattern";
    }

    private static boolean rotary(ModelConfig config) {
        return config.positional() == ModelConfig.Positional.ROTARY;
    }
}
