package lab.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import lab.experiments.patching.ActivationPatch;
import lab.experiments.patching.PatchDirection;
import lab.experiments.patching.PatchGranularity;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * {@code activation_patch} of every head's output at all positions, clean into corrupt, on one
 * random clean/corrupt pair (what TransformerLens's {@code get_act_patch_attn_head_out_all_pos}
 * computes), timed; then the same patches as one plain hooked forward each (the corrupt prompt
 * with that head's hook_z slice replaced by the clean run's), and the largest difference of the
 * patched logit_diff between the two.
 */
public final class PatchBenchmark {

    /**
     * @param checked patches the plain forwards recomputed (every {@code checkEvery}-th)
     * @param maxAbsDiff largest |plain - activation_patch| of the patched logit_diff over those
     */
    public record Result(int tokens, int patches, double seconds, int checked, double plainSeconds, double maxAbsDiff) {

        public double patchesPerSecond() {
            return patches / seconds;
        }

        /** The plain loop's rate over the patches it ran. */
        public double plainPatchesPerSecond() {
            return checked / plainSeconds;
        }
    }

    private PatchBenchmark() {
    }

    /** @param checkEvery recompute every this-many-th patch (in layer, head order) by a plain forward; 1 checks all */
    public static Result run(HookedTransformer model, int tokens, int checkEvery, long seed) {
        if (checkEvery < 1) {
            throw new IllegalArgumentException("--check-every must be at least 1 (1 checks every patch)");
        }
        ModelConfig c = model.config();
        PreparedExample example = BenchExamples.random(c, 1, tokens, seed).get(0);
        ActivationPatch experiment = new ActivationPatch(List.of(PatchDirection.CLEAN_TO_CORRUPT), PatchGranularity.HEAD_OUT,
                false, null, null, 64);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray corrupt = model.tokens(m, example.corrupt());
            // warm-up (first call's allocations and JIT): the same experiment on the last layer alone
            model.logits(m, corrupt).close();
            new ActivationPatch(List.of(PatchDirection.CLEAN_TO_CORRUPT), PatchGranularity.HEAD_OUT, false,
                    List.of(c.nLayers() - 1), null, 64).run(model, example, List.of(AnswerMetrics.LOGIT_DIFF), (x, y, z) -> { });

            Map<String, Double> patched = new HashMap<>();
            long start = System.nanoTime();
            experiment.run(model, example, List.of(AnswerMetrics.LOGIT_DIFF), (condition, values, baselines) ->
                    patched.put(condition.get("layer") + "." + condition.get("head"), values.get(AnswerMetrics.LOGIT_DIFF)));
            double seconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            int checked = 0;
            double maxDiff = 0;
            try (ForwardResult clean = model.run(m, model.tokens(m, example.clean()),
                    RunOptions.defaults().caching(Pattern.compile("blocks\\.\\d+\\.attn\\.hook_z")).unembedOnly(-1));
                 ForwardResult unpatched = model.run(m, corrupt, RunOptions.defaults().unembedOnly(-1))) {
                AnswerMetrics receiver = new AnswerMetrics(unpatched.output().toFloatArray(), example.target(), example.foil());
                int index = 0;
                for (int l = 0; l < c.nLayers(); l++) {
                    NDArray source = clean.cache().get("blocks." + l + ".attn.hook_z");
                    for (int h = 0; h < c.nHeads(); h++, index++) {
                        if (index % checkEvery != 0) {
                            continue;
                        }
                        int head = h;
                        RunOptions o = RunOptions.defaults().unembedOnly(-1)
                                .withHooks(Hook.replacing("blocks." + l + ".attn.hook_z", z -> withHead(z, source, head)));
                        try (ForwardResult r = model.run(m, corrupt, o)) {
                            double plain = receiver.value(AnswerMetrics.LOGIT_DIFF, r.output().toFloatArray());
                            Double ours = patched.get(l + "." + h);
                            if (ours == null) {
                                throw new IllegalStateException("activation_patch reported no result for head " + l + "." + h);
                            }
                            maxDiff = Math.max(maxDiff, Math.abs(plain - ours));
                        }
                        checked++;
                    }
                }
            }
            double plainSeconds = (System.nanoTime() - start) / 1e9;
            return new Result(tokens, patched.size(), seconds, checked, plainSeconds, maxDiff);
        }
    }

    /** {@code z} [batch, pos, head, d_head] with head {@code h} taken from {@code source}: slices and one concat. */
    private static NDArray withHead(NDArray z, NDArray source, int h) {
        long heads = z.getShape().get(2);
        NDList parts = new NDList();
        if (h > 0) {
            parts.add(z.get(new NDIndex(":, :, :{}", h)));
        }
        NDArray patched = source.get(new NDIndex(":, :, {}:{}", h, h + 1));
        // the slice of the caller's cached array belongs to this forward, freed with it
        patched.attach(z.getManager());
        parts.add(patched);
        if (h + 1 < heads) {
            parts.add(z.get(new NDIndex(":, :, {}:", h + 1)));
        }
        return NDArrays.concat(parts, 2);
    }
}
