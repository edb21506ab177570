package lab.experiments.sae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lab.runtime.HookedTransformer;
import lab.sae.HookActivations;
import lab.sae.SparseAutoencoder;

/**
 * What a trained SAE's features do on some texts: for the most often firing features their firing
 * rate, activation histogram, top activating contexts, and the tokens their decoder direction most
 * raises and lowers through the unembedding (direct effect, final norm ignored; only for hooks of
 * width d_model); and every decoder direction projected on the first two principal components.
 */
public final class FeatureAnalysis {

    static final int HISTOGRAM_BINS = 20;
    static final int BEFORE_PEAK = 10;
    static final int AFTER_PEAK = 3;
    static final int LOGIT_TOKENS = 8;

    /** Tokens around a peak and each one's activation; {@code peak} indexes into them. */
    public record Context(List<String> tokens, double[] activations, int peak) {
    }

    public record Feature(int index, double firingRate, double maxActivation, int[] histogram, List<Context> contexts,
                          List<String> raises, List<String> lowers) {
    }

    /** @param decoderMap [d_sae][2]: each decoder row on the first two principal components of all rows */
    public record Result(List<Feature> features, double[][] decoderMap) {
    }

    private FeatureAnalysis() {
    }

    public static Result analyse(HookedTransformer model, SparseAutoencoder sae, boolean skipFirst, List<long[]> texts,
                                 int nFeatures, int nContexts) {
        int dSae = sae.config().dSae();
        HookActivations acts = new HookActivations(model, sae.config().hookName());
        List<float[]> perText = new ArrayList<>();
        long[] firings = new long[dSae];
        float[] max = new float[dSae];
        long tokens = 0;
        try (NDManager m = NDManager.newBaseManager(sae.parameters().get(SparseAutoencoder.W_ENC).getDevice())) {
            for (long[] text : texts) {
                float[][] rows = acts.of(text, skipFirst);
                float[] flat = new float[rows.length * acts.dIn()];
                for (int r = 0; r < rows.length; r++) {
                    System.arraycopy(rows[r], 0, flat, r * acts.dIn(), acts.dIn());
                }
                float[] f = sae.encode(m.create(flat, new Shape(rows.length, acts.dIn()))).toFloatArray();
                // one row per token of the text; a skipped BOS reads as 0
                float[] byToken = new float[text.length * dSae];
                System.arraycopy(f, 0, byToken, (skipFirst ? 1 : 0) * dSae, f.length);
                perText.add(byToken);
                for (int i = 0; i < f.length; i++) {
                    if (f[i] > 0) {
                        firings[i % dSae]++;
                        max[i % dSae] = Math.max(max[i % dSae], f[i]);
                    }
                }
                tokens += rows.length;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < dSae; j++) {
            order.add(j);
        }
        order.sort(Comparator.comparingLong((Integer j) -> -firings[j]).thenComparing(j -> j));
        float[][] logitEffects = logitEffects(model, sae);
        List<Feature> features = new ArrayList<>();
        for (int j : order.subList(0, Math.min(nFeatures, dSae))) {
            if (firings[j] == 0) {
                break;
            }
            features.add(new Feature(j, (double) firings[j] / tokens, max[j], histogram(perText, j, dSae, max[j]),
                    contexts(model, texts, perText, j, dSae, nContexts),
                    logitEffects == null ? List.of() : extremes(model, logitEffects[j], true),
                    logitEffects == null ? List.of() : extremes(model, logitEffects[j], false)));
        }
        return new Result(features, principalMap(sae));
    }

    private static int[] histogram(List<float[]> perText, int j, int dSae, float max) {
        int[] counts = new int[HISTOGRAM_BINS];
        for (float[] f : perText) {
            for (int i = j; i < f.length; i += dSae) {
                if (f[i] > 0) {
                    counts[Math.min(HISTOGRAM_BINS - 1, (int) (HISTOGRAM_BINS * f[i] / max))]++;
                }
            }
        }
        return counts;
    }

    private static List<Context> contexts(HookedTransformer model, List<long[]> texts, List<float[]> perText, int j, int dSae,
                                          int n) {
        List<int[]> peaks = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            float[] f = perText.get(t);
            int best = -1;
            for (int p = 0; p < texts.get(t).length; p++) {
                if (f[p * dSae + j] > 0 && (best < 0 || f[p * dSae + j] > f[best * dSae + j])) {
                    best = p;
                }
            }
            if (best >= 0) {
                peaks.add(new int[] {t, best});
            }
        }
        peaks.sort(Comparator.comparingDouble((int[] tp) -> -perText.get(tp[0])[tp[1] * dSae + j]).thenComparingInt(tp -> tp[0]));
        List<Context> out = new ArrayList<>();
        for (int[] tp : peaks.subList(0, Math.min(n, peaks.size()))) {
            long[] text = texts.get(tp[0]);
            int from = Math.max(0, tp[1] - BEFORE_PEAK);
            int to = Math.min(text.length, tp[1] + AFTER_PEAK + 1);
            List<String> words = new ArrayList<>();
            double[] a = new double[to - from];
            for (int p = from; p < to; p++) {
                words.add(model.tokenizer().decode(new long[] {text[p]}));
                a[p - from] = perText.get(tp[0])[p * dSae + j];
            }
            out.add(new Context(words, a, tp[1] - from));
        }
        return out;
    }

    /** W_dec rows through the unembedding [d_sae][vocab], or null when the hook is not d_model wide. */
    private static float[][] logitEffects(HookedTransformer model, SparseAutoencoder sae) {
        if (sae.config().dIn() != model.config().dModel()) {
            return null;
        }
        var weights = model.weights();
        var unembed = model.config().tiedEmbeddings() ? weights.require("embed.W_E") : weights.require("unembed.W_U");
        try (NDManager m = NDManager.newBaseManager(unembed.getDevice())) {
            var wDec = m.create(sae.parameters().get(SparseAutoencoder.W_DEC).toFloatArray(),
                    new Shape(sae.config().dSae(), sae.config().dIn()));
            float[] flat = wDec.matMul(unembed.transpose()).toFloatArray();
            int vocab = model.config().vocabSize();
            float[][] out = new float[sae.config().dSae()][];
            for (int j = 0; j < out.length; j++) {
                out[j] = java.util.Arrays.copyOfRange(flat, j * vocab, (j + 1) * vocab);
            }
            return out;
        }
    }

    private static List<String> extremes(HookedTransformer model, float[] effect, boolean highest) {
        List<Integer> ids = new ArrayList<>();
        for (int v = 0; v < effect.length; v++) {
            ids.add(v);
        }
        ids.sort(Comparator.comparingDouble((Integer v) -> highest ? -effect[v] : effect[v]).thenComparing(v -> v));
        List<String> out = new ArrayList<>();
        for (int v : ids.subList(0, Math.min(LOGIT_TOKENS, ids.size()))) {
            out.add(model.tokenizer().decode(new long[] {v}));
        }
        return out;
    }

    /** Decoder rows on their first two principal components (power iteration with deflation, fixed start). */
    static double[][] principalMap(SparseAutoencoder sae) {
        int n = sae.config().dSae();
        int d = sae.config().dIn();
        float[] w = sae.parameters().get(SparseAutoencoder.W_DEC).toFloatArray();
        double[] mean = new double[d];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < d; i++) {
                mean[i] += w[j * d + i] / (double) n;
            }
        }
        double[][] cov = new double[d][d];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < d; a++) {
                double xa = w[j * d + a] - mean[a];
                for (int b = 0; b < d; b++) {
                    cov[a][b] += xa * (w[j * d + b] - mean[b]);
                }
            }
        }
        double[][] components = new double[2][];
        for (int c = 0; c < 2; c++) {
            double[] v = new double[d];
            for (int i = 0; i < d; i++) {
                v[i] = 1.0 / Math.sqrt(d) * (1 + 0.01 * i);
            }
            for (int iter = 0; iter < 500; iter++) {
                double[] next = new double[d];
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        next[a] += cov[a][b] * v[b];
                    }
                }
                double norm = Math.sqrt(java.util.Arrays.stream(next).map(x -> x * x).sum());
                if (norm == 0) {
                    break;
                }
                for (int i = 0; i < d; i++) {
                    v[i] = next[i] / norm;
                }
            }
            components[c] = v;
            double lambda = 0;
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    lambda += v[a] * cov[a][b] * v[b];
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] -= lambda * v[a] * v[b];
                }
            }
        }
        double[][] map = new double[n][2];
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < d; i++) {
                    map[j][c] += (w[j * d + i] - mean[i]) * components[c][i];
                }
            }
        }
        return map;
    }
}
