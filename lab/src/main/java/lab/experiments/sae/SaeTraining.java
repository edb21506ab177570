package lab.experiments.sae;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
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

        void checkpoint(SparseAutoencoder sae, float[] log10Sparsity) throws IOException;
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

    /** @param metadata SAELens metadata for the saved SAE (hook_name is set here) */
    public static Result train(HookedTransformer model, SaeTrainingOptions o, List<long[]> texts, long seed,
                               ObjectNode metadata, NDManager manager, Listener listener) throws IOException {
        HookActivations acts = new HookActivations(model, o.hook());
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to train on");
        }
        ObjectNode meta = metadata.deepCopy();
        meta.put("hook_name", o.hook());
        SaeConfig config = new SaeConfig(o.architecture(), acts.dIn(), o.dSae(), o.k(), true,
                o.architecture() == SaeArchitecture.TOPK, o.hook().endsWith("attn.hook_z") ? "hook_z" : "none", meta);
        Random order = new Random(seed);
        long[] modelTokens = {0};
        Supplier<float[][]> stream = new Supplier<>() {
            int epoch = -1;
            List<long[]> shuffled = List.of();
            int next;

            @Override
            public float[][] get() {
                while (next >= shuffled.size()) {
                    if (++epoch >= o.epochs()) {
                        return null;
                    }
                    List<long[]> list = new ArrayList<>(texts);
                    Collections.shuffle(list, order);
                    shuffled = list;
                    next = 0;
                }
                List<long[]> group = shuffled.subList(next, Math.min(shuffled.size(), next + TEXTS_PER_FORWARD));
                next += group.size();
                group.forEach(t -> modelTokens[0] += t.length);
                return acts.of(group, o.excludeBos());
            }
        };
        ActivationBuffer buffer = new ActivationBuffer(stream, acts.dIn(), o.bufferTokens(), o.batchSize(), seed + 1);
        long start = System.nanoTime();
        float[] first = buffer.next();
        if (first == null) {
            throw new IllegalArgumentException("the texts hold fewer than batch_size (" + o.batchSize() + ") tokens;"
                    + " lower experiment.batch_size or use a larger corpus");
        }
        SparseAutoencoder sae = SaeInit.create(manager, config, seed, first);
        long saeNanos = 0;
        try (SaeTrainer trainer = new SaeTrainer(sae, o, manager)) {
            for (float[] batch = first; batch != null; batch = buffer.next()) {
                long t0 = System.nanoTime();
                SaeStepStats stats = trainer.step(batch);
                saeNanos += System.nanoTime() - t0;
                listener.step(stats);
                if (o.checkpointEvery() > 0 && trainer.step() % o.checkpointEvery() == 0) {
                    listener.checkpoint(sae, trainer.log10Sparsity());
                }
            }
            return new Result(sae, trainer.log10Sparsity(), trainer.step(), trainer.tokens(), modelTokens[0],
                    (System.nanoTime() - start) / 1e9, saeNanos / 1e9);
        }
    }
}
