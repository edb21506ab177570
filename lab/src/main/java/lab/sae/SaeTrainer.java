package lab.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.components.Ops;
import lab.training.AdamW;
import lab.training.LearningRate;

/**
 * Adam steps on an SAE, one batch of activations at a time. Loss as SAELens's: the per-token
 * squared error summed over dimensions (mean over tokens), plus for standard SAEs
 * {@code l1_coefficient * sum_j f_j |W_dec row j|} (the L1 weighted by decoder row norms, so
 * shrinking the decoder cannot buy sparsity); topk SAEs have no penalty and train with
 * rescale_acts_by_decoder_norm (folded into the encoder on save). Learning rate: linear warmup,
 * then constant. Also counts each feature's firings, for dead features and the saved sparsity.
 */
public final class SaeTrainer implements AutoCloseable {

    private final SparseAutoencoder sae;
    private final SaeTrainingOptions options;
    private final NDManager root;
    private final AdamW adam;
    private final LearningRate schedule;
    private final long[] firings;
    private final long[] lastFiredAt;
    private long tokens;
    private long step;

    public SaeTrainer(SparseAutoencoder sae, SaeTrainingOptions options, NDManager root) {
        this.sae = sae;
        this.options = options;
        this.root = root;
        Map<String, NDArray> params = sae.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        this.adam = new AdamW(root, params, 0.9, 0.999, 1e-8, 0.0);
        this.schedule = new LearningRate(options.lr(), Math.max(1, options.warmupSteps()), Integer.MAX_VALUE, 1.0);
        this.firings = new long[sae.config().dSae()];
        this.lastFiredAt = new long[sae.config().dSae()];
    }

    /** One step on {@code batch} [n * d_in] row-major. */
    public SaeStepStats step(float[] batch) {
        int dIn = sae.config().dIn();
        int n = batch.length / dIn;
        double lr = schedule.at(step);
        Map<String, NDArray> params = sae.parameters();
        try (NDManager scratch = root.newSubManager()) {
            NDArray x = Ops.owned(scratch, batch, new Shape(n, dIn));
            float lossValue;
            float[] features;
            float[] reconstruction;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray f = sae.encode(x);
                NDArray out = sae.decode(f);
                NDArray loss = out.sub(x).square().sum(new int[] {1}).mean();
                if (sae.config().architecture() == SaeArchitecture.STANDARD) {
                    NDArray l1 = f.mul(sae.decoderNorms(f)).sum(new int[] {1}).mean();
                    loss = loss.add(l1.mul(Ops.scalar(l1, options.l1Coefficient())));
                }
                gc.backward(loss);
                lossValue = loss.getFloat();
                features = f.toFloatArray();
                reconstruction = out.toFloatArray();
            }
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scratch);
                grads.put(e.getKey(), g);
            }
            adam.update(params, grads, step + 1, lr, scratch);
            // libtorch accumulates gradients across backward passes
            grads.values().forEach(g -> g.set(new NDIndex("..."), 0f));
            step++;
            return stats(batch, reconstruction, features, n, lr, lossValue);
        }
    }

    private SaeStepStats stats(float[] x, float[] xHat, float[] f, int n, double lr, double loss) {
        int dIn = sae.config().dIn();
        int dSae = sae.config().dSae();
        double[] mean = new double[dIn];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < dIn; i++) {
                mean[i] += x[r * dIn + i] / (double) n;
            }
        }
        double error = 0;
        double variance = 0;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < dIn; i++) {
                double d = x[r * dIn + i] - xHat[r * dIn + i];
                double c = x[r * dIn + i] - mean[i];
                error += d * d;
                variance += c * c;
            }
        }
        long active = 0;
        double l1 = 0;
        for (int r = 0; r < n; r++) {
            long token = tokens + r + 1;
            for (int j = 0; j < dSae; j++) {
                float v = f[r * dSae + j];
                if (v > 0) {
                    active++;
                    l1 += v;
                    firings[j]++;
                    lastFiredAt[j] = token;
                }
            }
        }
        tokens += n;
        int dead = 0;
        if (tokens >= options.deadFeatureWindow()) {
            for (long last : lastFiredAt) {
                dead += tokens - last >= options.deadFeatureWindow() ? 1 : 0;
            }
        }
        return new SaeStepStats(step, lr, error / ((double) n * dIn), 1 - error / variance, (double) active / n,
                l1 / n, loss, dead, tokens);
    }

    /** log10(firing fraction + 1e-10) per feature over every token trained on (SAELens's sparsity.safetensors). */
    public float[] log10Sparsity() {
        float[] out = new float[firings.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) Math.log10((double) firings[j] / Math.max(1, tokens) + 1e-10);
        }
        return out;
    }

    public long step() {
        return step;
    }

    public long tokens() {
        return tokens;
    }

    @Override
    public void close() {
        adam.close();
    }
}
