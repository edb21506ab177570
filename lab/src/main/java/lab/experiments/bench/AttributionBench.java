package lab.experiments.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import lab.experiments.patching.ActivationPatch;
import lab.experiments.patching.AttributionMethod;
import lab.experiments.patching.AttributionPatch;
import lab.experiments.patching.PatchDirection;
import lab.experiments.patching.PatchGranularity;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.HookedTransformer;
import lab.runtime.bench.ForwardBenchmark;

/**
 * Attribution patching against the exact patches it estimates, on one clean/corrupt pair of random
 * tokens: one granularity per position (head_out: every layer, head and position; layer_resid: every
 * layer and position), clean into corrupt, both through the experiments a run config would name,
 * the estimate by the granularity's default method unless one is given.
 *
 * <p>The exact sweep runs a layer at a time with attribution runs between the layers, and the
 * attribution time is their median, so that a load that drifts on shared cores weighs on both alike.
 * The exact sweep may be measured on the first {@code exactPositions} positions only (every
 * layer and head) and extrapolated in proportion to the number of patches: its cost is one batch
 * row per patch, started at the patched layer, whichever the position. With {@code exactPositions}
 * equal to the prompt's length nothing is extrapolated.
 */
public final class AttributionBench {

    /**
     * @param exactSeconds the whole exact sweep's time, measured or extrapolated from {@code exactMeasuredSeconds}
     * @param atpSeconds the median of {@code atpRuns} attribution runs, {@code atpRepeats} after each layer's exact patches
     */
    public record Result(String granularity, String method, int layers, int heads, int tokens, int exactPatches,
                         int measuredPatches, double exactMeasuredSeconds, double exactSeconds, double atpSeconds,
                         int atpRuns) {

        public boolean extrapolated() {
            return measuredPatches < exactPatches;
        }

        public double speedup() {
            return exactSeconds / atpSeconds;
        }
    }

    private AttributionBench() {
    }

    /** head_out per position with its default method, AtP. */
    public static Result run(HookedTransformer model, int tokens, int exactPositions, int atpRepeats, long seed) {
        return run(model, PatchGranularity.HEAD_OUT, null, tokens, exactPositions, atpRepeats, seed);
    }

    /**
     * @param granularity patched per position (and per head where it has heads)
     * @param method the estimate's; null for the granularity's default
     */
    public static Result run(HookedTransformer model, PatchGranularity granularity, AttributionMethod method, int tokens,
                             int exactPositions, int atpRepeats, long seed) {
        if (tokens < 2 || tokens > model.config().contextLength()) {
            throw new IllegalArgumentException("--tokens must be 2.." + model.config().contextLength() + "; got " + tokens);
        }
        if (exactPositions < 1 || exactPositions > tokens) {
            throw new IllegalArgumentException("--exact-positions must be 1.." + tokens + " (the prompt's length); got " + exactPositions);
        }
        if (atpRepeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1; got " + atpRepeats);
        }
        PreparedExample pair = randomPair(model.config().vocabSize(), tokens, seed);
        List<String> metrics = List.of(AnswerMetrics.LOGIT_DIFF);
        List<PatchDirection> direction = List.of(PatchDirection.CLEAN_TO_CORRUPT);
        List<Integer> measured = IntStream.range(0, exactPositions).boxed().toList();
        boolean perHead = granularity.perHead();
        AttributionMethod used = method == null ? AttributionMethod.defaultFor(granularity) : method;
        AttributionPatch estimate = new AttributionPatch(new ActivationPatch(direction, granularity, perHead, null, null, 64),
                used, AttributionPatch.DEFAULT_STEPS);
        int[] patches = new int[1];
        // warm-up: the first forward and backward pay libtorch's one-time set-up
        estimate.run(model, pair, metrics, (c, v, b) -> { });
        // the exact sweep a layer at a time, an attribution run after each: on shared cores whose load
        // drifts, both then see the same load (each layer's exact run repeats its clean and corrupt
        // forwards, two forwards beside its tens of patched rows)
        List<Double> atp = new ArrayList<>();
        double exactMeasured = 0;
        int layers = model.config().nLayers();
        for (int layer = 0; layer < layers; layer++) {
            ActivationPatch exact = new ActivationPatch(direction, granularity, perHead, List.of(layer), measured, 64);
            long start = System.nanoTime();
            exact.run(model, pair, metrics, (c, v, b) -> patches[0]++);
            exactMeasured += (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < atpRepeats; i++) {
                start = System.nanoTime();
                estimate.run(model, pair, metrics, (c, v, b) -> { });
                atp.add((System.nanoTime() - start) / 1e9);
            }
        }
        double median = ForwardBenchmark.median(atp.stream().mapToDouble(Double::doubleValue).toArray());
        int all = layers * (perHead ? model.config().nHeads() : 1) * tokens;
        // measured whole, the time is reported as measured (x * n / n need not round back to x)
        double exact = patches[0] == all ? exactMeasured : exactMeasured * all / patches[0];
        return new Result(granularity.label(), used.label(), layers, model.config().nHeads(), tokens, all, patches[0],
                exactMeasured, exact, median, atp.size());
    }

    /** Random tokens; the corrupt prompt differs at two positions, target and foil are two other tokens. */
    private static PreparedExample randomPair(int vocab, int tokens, long seed) {
        Random random = new Random(seed);
        long[] clean = random.longs(tokens, 0, vocab).toArray();
        long[] corrupt = clean.clone();
        for (int p : new int[] {tokens / 3, 2 * tokens / 3}) {
            corrupt[p] = (clean[p] + 1 + random.nextInt(vocab - 1)) % vocab;
        }
        long target = random.nextInt(vocab);
        long foil = (target + 1 + random.nextInt(vocab - 1)) % vocab;
        return new PreparedExample("bench", "bench", clean, corrupt, target, foil);
    }
}
