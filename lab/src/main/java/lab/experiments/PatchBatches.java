package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import lab.experiments.CleanCorruptRuns.Run;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.RunOptions;

/**
 * Runs many activation patches of one layer as the rows of few forwards. Row r starts at the layer
 * from its receiving run's cached {@code hook_resid_pre}; one hook at the patched point writes the
 * source run's values into row r's own cells (a position, a head, or a head at a position) and
 * leaves the rest; only the last position is unembedded. Directions may share a forward: each row
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

    PatchBatches(HookedTransformer model, NDManager manager, CleanCorruptRuns runs, PatchGranularity granularity,
                 int batchSize) {
        this.model = model;
        this.manager = manager;
        this.runs = runs;
        this.granularity = granularity;
        this.batchSize = batchSize;
    }

    /** Runs every job of {@code layer} and hands each its last-position logits [vocab], in job order. */
    void run(int layer, List<Job> jobs, BiConsumer<Job, float[]> results) {
        for (int from = 0; from < jobs.size(); from += batchSize) {
            List<Job> chunk = jobs.subList(from, Math.min(jobs.size(), from + batchSize));
            float[] all = lastLogits(layer, chunk);
            int vocab = all.length / chunk.size();
            for (int row = 0; row < chunk.size(); row++) {
                results.accept(chunk.get(row), Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab));
            }
        }
    }

    private float[] lastLogits(int layer, List<Job> chunk) {
        String hook = granularity.hook(layer);
        long[] leading = leadingAxes(chunk.size(), runs.activation(Run.CLEAN, hook));
        try (NDArray sources = stack(chunk, hook, true);
             NDArray residuals = stack(chunk, "blocks." + layer + ".hook_resid_pre", false)) {
            Hook patch = Hook.replacing(hook, Interventions.patchCells(sources, cells(chunk, leading), leading));
            RunOptions options = RunOptions.defaults().startAt(layer).unembedOnly(-1).withHooks(patch);
            try (ForwardResult r = model.run(manager, residuals, options)) {
                return r.output().toFloatArray();
            }
        }
    }

    /** [rows, pos] for a residual or block output, [rows, pos, head] for hook_z. */
    private long[] leadingAxes(int rows, NDArray activation) {
        long length = activation.getShape().get(1);
        return granularity.perHead() ? new long[] {rows, length, activation.getShape().get(2)} : new long[] {rows, length};
    }

    /** Each row's receiver's (or source's) cached activation at {@code hook}, one row per job. */
    private NDArray stack(List<Job> chunk, String hook, boolean fromSource) {
        NDList parts = new NDList();
        int start = 0;
        // consecutive jobs of one direction share one repeat of the same cached array
        for (int i = 1; i <= chunk.size(); i++) {
            if (i == chunk.size() || chunk.get(i).direction() != chunk.get(start).direction()) {
                PatchDirection d = chunk.get(start).direction();
                parts.add(runs.activation(fromSource ? d.source() : d.receiver(), hook).repeat(0, i - start));
                start = i;
            }
        }
        NDArray stacked = parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
        if (parts.size() > 1) {
            parts.close();
        }
        return stacked;
    }

    /** Row-major over the leading axes: row r's site. */
    private static boolean[] cells(List<Job> chunk, long[] leading) {
        int length = (int) leading[1];
        int heads = leading.length > 2 ? (int) leading[2] : 1;
        boolean[] chosen = new boolean[chunk.size() * length * heads];
        for (int r = 0; r < chunk.size(); r++) {
            PatchSite s = chunk.get(r).site();
            for (int p = 0; p < length; p++) {
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
