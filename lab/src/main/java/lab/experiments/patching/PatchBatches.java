package lab.experiments.patching;

import lab.experiments.AnswerScorer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import lab.experiments.patching.CleanCorruptRuns.Run;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.RunOptions;

/**
 * Runs many activation patches of one layer as the rows of few forwards. A patch is one run of the
 * receiving prompt ({@link CleanCorruptRuns#rowsPerRun()} rows: one, or prompt + target and prompt
 * + foil for answer spans) started at the layer from the receiver's cached {@code hook_resid_pre};
 * one hook at the patched point writes the source run's values into the patch's own cells (a
 * position, a head, or a head at a position; only ever prompt positions, never answer tokens) of
 * each of its rows, taking each row's values from the source's row of the same answer, and leaves
 * the rest. Only the answer positions are unembedded. Directions may share a forward: each run
 * carries its own receiver and source.
 */
final class PatchBatches {

    /** One patched run: which way, and what. */
    record Job(PatchDirection direction, PatchSite site) {
    }

    private final HookedTransformer model;
    private final NDManager manager;
    private final CleanCorruptRuns runs;
    private final PatchGranularity granularity;
    private final int batchSize;

    /** @param batchSize forward rows per batch (a patch takes {@link CleanCorruptRuns#rowsPerRun()} of them) */
    PatchBatches(HookedTransformer model, NDManager manager, CleanCorruptRuns runs, PatchGranularity granularity,
                 int batchSize) {
        this.model = model;
        this.manager = manager;
        this.runs = runs;
        this.granularity = granularity;
        this.batchSize = batchSize;
    }

    /**
     * Runs every job of {@code layer} and hands each its last-position logits [vocab], in job order;
     * for runs of one row each (runs made by {@link CleanCorruptRuns#of}, or scored one-token answers).
     */
    void run(int layer, List<Job> jobs, BiConsumer<Job, float[]> results) {
        if (runs.rowsPerRun() != 1) {
            throw new IllegalStateException("answer spans are read with read(layer, jobs, readings)");
        }
        forEachBatch(layer, jobs, options -> options.unembedOnly(-1), (chunk, output) -> {
            float[] all = output.toFloatArray();
            int vocab = all.length / chunk.size();
            for (int row = 0; row < chunk.size(); row++) {
                results.accept(chunk.get(row), Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab));
            }
        });
    }

    /**
     * Runs every job of {@code layer} and hands each its answers read by the receiver's scorer, in
     * job order; for runs made by {@link CleanCorruptRuns#scored}.
     */
    void read(int layer, List<Job> jobs, BiConsumer<Job, AnswerReading> readings) {
        // the prompts have one length, so both scorers read the same positions of the same answers
        AnswerScorer scorer = runs.scorer(Run.CLEAN);
        forEachBatch(layer, jobs, scorer::readingAnswers, (chunk, output) -> {
            List<AnswerReading> read = scorer.read(output);
            for (int run = 0; run < chunk.size(); run++) {
                readings.accept(chunk.get(run), read.get(run));
            }
        });
    }

    private void forEachBatch(int layer, List<Job> jobs, UnaryOperator<RunOptions> reading,
                              BiConsumer<List<Job>, NDArray> onOutput) {
        // batch_size counts forward rows; a patch takes one run's rows
        int perBatch = Math.max(1, batchSize / runs.rowsPerRun());
        for (int from = 0; from < jobs.size(); from += perBatch) {
            List<Job> chunk = jobs.subList(from, Math.min(jobs.size(), from + perBatch));
            String hook = granularity.hook(layer);
            long[] leading = leadingAxes(chunk.size() * runs.rowsPerRun(), runs.activation(Run.CLEAN, hook));
            // a head's output patch changes nothing before hook_z: those rows resume at the receiver's cached
            // hook_z, so the layer's queries, keys, values and pattern are not recomputed (as heads_zero does)
            boolean atZ = granularity == PatchGranularity.HEAD_OUT;
            try (NDArray sources = stack(chunk, hook, true);
                 NDArray residuals = stack(chunk, "blocks." + layer + ".hook_resid_pre", false);
                 NDArray receiverZ = atZ ? stack(chunk, hook, false) : null) {
                Hook patch = Hook.replacing(hook, Interventions.patchCells(sources, cells(chunk, leading), leading));
                RunOptions start = atZ ? RunOptions.defaults().resumingAtZ(layer, receiverZ) : RunOptions.defaults().startAt(layer);
                RunOptions options = reading.apply(start.withHooks(patch));
                try (ForwardResult r = model.run(manager, residuals, options)) {
                    onOutput.accept(chunk, r.output());
                }
            }
        }
    }

    /** [rows, pos] for a residual or block output, [rows, pos, head] for hook_z. */
    private long[] leadingAxes(int rows, NDArray activation) {
        long length = activation.getShape().get(1);
        return granularity.perHead() ? new long[] {rows, length, activation.getShape().get(2)} : new long[] {rows, length};
    }

    /** Each job's receiver's (or source's) cached activation at {@code hook}, one run of rows per job. */
    private NDArray stack(List<Job> chunk, String hook, boolean fromSource) {
        NDList parts = new NDList();
        int start = 0;
        // consecutive jobs of one direction share one repeat of the same cached array
        for (int i = 1; i <= chunk.size(); i++) {
            if (i == chunk.size() || chunk.get(i).direction() != chunk.get(start).direction()) {
                PatchDirection d = chunk.get(start).direction();
                parts.add(runs.repeated(fromSource ? d.source() : d.receiver(), hook, i - start));
                start = i;
            }
        }
        NDArray stacked = parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
        if (parts.size() > 1) {
            parts.close();
        }
        return stacked;
    }

    /**
     * Row-major over the leading axes: each of job j's rows gets its site. {@link PatchSite#ALL}
     * positions are the prompt's; answer positions are never patched.
     */
    private boolean[] cells(List<Job> chunk, long[] leading) {
        int rowsPerJob = runs.rowsPerRun();
        int length = (int) leading[1];
        int heads = leading.length > 2 ? (int) leading[2] : 1;
        boolean[] chosen = new boolean[(int) leading[0] * length * heads];
        for (int r = 0; r < leading[0]; r++) {
            PatchSite s = chunk.get(r / rowsPerJob).site();
            for (int p = 0; p < runs.promptLength(); p++) {
                for (int h = 0; h < heads; h++) {
                    boolean position = s.position() == PatchSite.ALL || s.position() == p;
                    boolean head = s.head() == PatchSite.ALL || s.head() == h;
                    chosen[(r * length + p) * heads + h] = position && head;
                }
            }
        }
        return chosen;
    }
}
