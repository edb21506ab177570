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
 * rescale_acts_by_decoder_norm (folded into the encoder on save), plus, while some features are
 * dead, {@code aux_k_coefficient} times the AuxK loss ({@link AuxKLoss}) over the features dead
 * before the step. Learning rate: linear warmup, then constant. Also counts each feature's
 * firings, for dead features and the saved sparsity.
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

    /**
     * What a trainer carries from step to step besides the SAE's parameters: the learning-rate
     * schedule position is {@code step}.
     *
     * @param step steps taken
     * @param tokens tokens trained on
     * @param firings per feature, tokens it fired on
     * @param lastFiredAt per feature, the token count when it last fired (0: never)
     * @param adamFirst Adam's first moments by parameter name
     * @param adamSecond Adam's second moments by parameter name
     */
    public record State(long step, long tokens, long[] firings, long[] lastFiredAt, Map<String, NDArray> adamFirst,
                        Map<String, NDArray> adamSecond) {
    }

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

    /** A trainer continuing from {@code saved} on {@code sae}, whose parameters are those of the same step. */
    public SaeTrainer(SparseAutoencoder sae, SaeTrainingOptions options, NDManager root, State saved) {
        this(sae, options, root);
        if (saved.firings().length != firings.length || saved.lastFiredAt().length != lastFiredAt.length) {
            throw new IllegalArgumentException("a saved trainer state counts " + saved.firings().length
                    + " features but the SAE has d_sae " + firings.length);
        }
        adam.restore(saved.adamFirst(), saved.adamSecond());
        System.arraycopy(saved.firings(), 0, firings, 0, firings.length);
        System.arraycopy(saved.lastFiredAt(), 0, lastFiredAt, 0, lastFiredAt.length);
        this.tokens = saved.tokens();
        this.step = saved.step();
    }

    /** The state now; the moments are the live arrays (save them before the next step). */
    public State state() {
        return new State(step, tokens, firings.clone(), lastFiredAt.clone(), adam.firstMoments(), adam.secondMoments());
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
            double auxValue = 0;
            float[] features;
            float[] reconstruction;
            boolean[] dead = options.auxKCoefficient() > 0 ? deadMask() : null;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray pre = sae.hiddenPre(x);
                NDArray f = sae.activate(pre);
                NDArray out = sae.decode(f);
                NDArray loss = out.sub(x).square().sum(new int[] {1}).mean();
                if (sae.config().architecture() == SaeArchitecture.STANDARD) {
                    NDArray l1 = f.mul(sae.decoderNorms(f)).sum(new int[] {1}).mean();
                    loss = loss.add(l1.mul(Ops.scalar(l1, options.l1Coefficient())));
                }
                // no term at all while nothing is dead: the step is then the one without AuxK, bit for bit
                if (dead != null && anyTrue(dead)) {
                    NDArray aux = AuxKLoss.of(sae, pre, x.sub(out).stopGradient(), dead, options.kAux(dIn))
                            .mul(Ops.scalar(x, options.auxKCoefficient()));
                    loss = loss.add(aux);
                    auxValue = aux.getFloat();
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
            return stats(batch, reconstruction, features, n, lr, lossValue, auxValue);
        }
    }

    private SaeStepStats stats(float[] x, float[] xHat, float[] f, int n, double lr, double loss, double auxLoss) {
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
        for (boolean d : deadMask()) {
            dead += d ? 1 : 0;
        }
        return new SaeStepStats(step, lr, error / ((double) n * dIn), 1 - error / variance, (double) active / n,
                l1 / n, loss, auxLoss, dead, tokens);
    }

    /** Features that have not fired over the last dead_feature_window tokens (none before that many tokens). */
    public boolean[] deadMask() {
        boolean[] dead = new boolean[lastFiredAt.length];
        if (tokens >= options.deadFeatureWindow()) {
            for (int j = 0; j < dead.length; j++) {
                dead[j] = tokens - lastFiredAt[j] >= options.deadFeatureWindow();
            }
        }
        return dead;
    }

    private static boolean anyTrue(boolean[] values) {
        for (boolean v : values) {
            if (v) {
                return true;
            }
        }
        return false;
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
