package lab.experiments.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import lab.runtime.HookedTransformer;
import lab.sae.ActivationBuffer;
import lab.sae.HookActivations;
import lab.sae.SaeArchitecture;
import lab.sae.SaeConfig;
import lab.sae.SaeInit;
import lab.sae.SaeStepStats;
import lab.sae.SaeTrainer;
import lab.sae.SaeTrainingOptions;
import lab.sae.SparseAutoencoder;

/**
 * Trains an SAE on a hook point's activations over a list of texts: each epoch visits the texts
 * in a seeded order, runs the model once per text (once per token per epoch) and feeds the rows
 * through a seeded shuffled buffer to Adam steps. Where the figures go is the listener's business.
 */
public final class SaeTraining {

    /** Told of every step, and asked to keep a checkpoint every checkpoint_every steps. */
    public interface Listener {
        void step(SaeStepStats stats);

        /** @param state all a resumed run needs to go on exactly from here (live arrays: save them now) */
        void checkpoint(SparseAutoencoder sae, float[] log10Sparsity, State state) throws IOException;
    }

    /**
     * Where a training loop stands between two steps: with it, {@link #train} continues as if it
     * had never stopped (the same batches, the same updates, bit for bit).
     *
     * @param parameters the SAE's trainable parameters as trained (before any folding for saving)
     * @param seconds loop wall time so far; {@code saeSeconds}: time in SAE steps so far
     */
    public record State(Map<String, NDArray> parameters, SaeTrainer.State trainer, ActivationBuffer.State buffer,
                        TextStream.State stream, double seconds, double saeSeconds) {
    }

    /**
     * @param seconds wall time of the whole loop (model forwards included)
     * @param saeSeconds time in SAE steps alone
     * @param modelTokens tokens the model ran (the buffer may drop a last partial batch)
     */
    public record Result(SparseAutoencoder sae, float[] log10Sparsity, long steps, long tokens, long modelTokens,
                         double seconds, double saeSeconds) {
    }

    /** Texts run as one batch (right-padded): fewer, larger forwards. */
    static final int TEXTS_PER_FORWARD = 16;

    private SaeTraining() {
    }

    /**
     * @param metadata SAELens metadata for the saved SAE (hook_name is set here)
     * @param from a checkpoint's state to continue from (same options, texts and seed), or null to start
     */
    public static Result train(HookedTransformer model, SaeTrainingOptions o, List<long[]> texts, long seed,
                               ObjectNode metadata, NDManager manager, State from, Listener listener) throws IOException {
        HookActivations acts = new HookActivations(model, o.hook());
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to train on");
        }
        ObjectNode meta = metadata.deepCopy();
        meta.put("hook_name", o.hook());
        SaeConfig config = new SaeConfig(o.architecture(), acts.dIn(), o.dSae(), o.k(), true,
                o.architecture() == SaeArchitecture.TOPK, o.hook().endsWith("attn.hook_z") ? "hook_z" : "none", meta);
        TextStream stream = from == null ? new TextStream(acts, texts, o.epochs(), o.excludeBos(), seed)
                : new TextStream(acts, texts, o.epochs(), o.excludeBos(), from.stream());
        ActivationBuffer buffer = from == null
                ? new ActivationBuffer(stream, acts.dIn(), o.bufferTokens(), o.batchSize(), seed + 1)
                : new ActivationBuffer(stream, acts.dIn(), o.bufferTokens(), o.batchSize(), from.buffer());
        long start = System.nanoTime();
        double priorSeconds = from == null ? 0 : from.seconds();
        float[] first = null;
        SparseAutoencoder sae;
        if (from == null) {
            first = buffer.next();
            if (first == null) {
                throw new IllegalArgumentException("the texts hold fewer than batch_size (" + o.batchSize() + ") tokens;"
                        + " lower experiment.batch_size or use a larger corpus");
            }
            sae = SaeInit.create(manager, config, seed, first);
        } else {
            // the state is read on the CPU; the SAE trains where the model runs
            Map<String, NDArray> onDevice = new java.util.LinkedHashMap<>();
            from.parameters().forEach((name, a) -> onDevice.put(name, a.toDevice(manager.getDevice(), false)));
            sae = new SparseAutoencoder(config, manager, onDevice, "the saved training state");
        }
        long saeNanos = from == null ? 0 : Math.round(from.saeSeconds() * 1e9);
        try (SaeTrainer trainer = from == null ? new SaeTrainer(sae, o, manager) : new SaeTrainer(sae, o, manager, from.trainer())) {
            for (float[] batch = from == null ? first : buffer.next(); batch != null; batch = buffer.next()) {
                long t0 = System.nanoTime();
                SaeStepStats stats = trainer.step(batch);
                saeNanos += System.nanoTime() - t0;
                listener.step(stats);
                if (o.checkpointEvery() > 0 && trainer.step() % o.checkpointEvery() == 0) {
                    listener.checkpoint(sae, trainer.log10Sparsity(), new State(sae.parameters(), trainer.state(),
                            buffer.state(), stream.state(), priorSeconds + (System.nanoTime() - start) / 1e9, saeNanos / 1e9));
                }
            }
            return new Result(sae, trainer.log10Sparsity(), trainer.step(), trainer.tokens(), stream.modelTokens(),
                    priorSeconds + (System.nanoTime() - start) / 1e9, saeNanos / 1e9);
        }
    }
}
