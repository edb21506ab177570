package lab.experiments.heads;

import lab.experiments.AnswerScorer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * Head ablations packed into batch rows, what heads_zero and heads_pair_zero share: each row
 * ablates its own heads (one, or a pair across layers), a batch starts at the layer of its
 * earliest ablated head from the clean run's cached residual, and only the answer positions are
 * unembedded (the last one for one-token answers; answers of several tokens run as the
 * {@link AnswerScorer}'s rows), so nothing upstream of an intervention is recomputed. Every layer a batch touches
 * gets one hook_z hook carrying all rows' factors (1 where a row leaves a head alone).
 *
 * <p>Ablating a head's hook_z changes nothing before it in that layer, so a batch resumes at the
 * clean run's cached hook_z of its first layer ({@link RunOptions#resumingAtZ}): that layer's
 * queries, keys, values and pattern are not recomputed. With only answer positions unembedded,
 * the runtime computes the last block after its keys and values at those positions alone.
 */
final class HeadAblationRuns {

    /** One batch row: the heads it ablates, each [layer, head], all by {@code scale}. */
    record Row(List<int[]> heads, double scale) {

        Row {
            heads = List.copyOf(heads);
        }

        static Row single(int layer, int head, double scale) {
            return new Row(List.of(new int[] {layer, head}), scale);
        }

        int firstLayer() {
            return heads.stream().mapToInt(h -> h[0]).min().orElseThrow();
        }
    }

    private final HookedTransformer model;
    private final HeadAblation ablation;
    private final int batchSize;
    private final boolean lastPositionOnly;

    HeadAblationRuns(HookedTransformer model, HeadAblation ablation, int batchSize, boolean lastPositionOnly) {
        this.model = model;
        this.ablation = ablation;
        this.batchSize = batchSize;
        this.lastPositionOnly = lastPositionOnly;
    }

    /**
     * The clean run of the scorer's rows: answer-position logits, and the residual entering each of
     * {@code layers} and its hook_z cached.
     */
    static ForwardResult cleanRun(HookedTransformer model, NDManager m, AnswerScorer scorer, Collection<Integer> layers) {
        String names = new TreeSet<>(layers).stream().map(String::valueOf).collect(Collectors.joining("|"));
        return model.run(m, scorer.tokens(model, m), scorer.readingAnswers(RunOptions.defaults()
                .caching(Pattern.compile("blocks\\.(" + names + ")\\.(hook_resid_pre|attn\\.hook_z)"))));
    }

    static String residualName(int layer) {
        return "blocks." + layer + ".hook_resid_pre";
    }

    static String zName(int layer) {
        return "blocks." + layer + ".attn.hook_z";
    }

    /**
     * Runs {@code rows}, all starting at {@code startLayer} (no row ablates a head below it), in
     * batches of at most batch_size forward rows, and hands each row its answer reading.
     *
     * @param clean the clean run from {@link #cleanRun} with the same scorer, which cached the residual
     *     entering {@code startLayer} and its hook_z
     */
    void run(NDManager m, AnswerScorer scorer, ForwardResult clean, int startLayer, List<Row> rows,
             BiConsumer<Row, AnswerReading> onReading) {
        NDArray residual = clean.cache().get(residualName(startLayer));
        NDArray z = clean.cache().get(zName(startLayer));
        // batch_size counts forward rows; a condition takes one run of the scorer's rows
        int perBatch = Math.max(1, batchSize / scorer.rowsPerRun());
        for (int from = 0; from < rows.size(); from += perBatch) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + perBatch));
            runChunk(m, scorer, residual, z, startLayer, chunk, onReading);
        }
    }

    private void runChunk(NDManager m, AnswerScorer scorer, NDArray residual, NDArray z, int startLayer, List<Row> chunk,
                          BiConsumer<Row, AnswerReading> onReading) {
        int nHeads = model.config().nHeads();
        Integer position = lastPositionOnly ? scorer.lastPromptPosition() : null;
        List<Hook> hooks = new ArrayList<>();
        for (int layer = startLayer; layer < model.config().nLayers(); layer++) {
            float[][] factors = new float[chunk.size()][nHeads];
            boolean touched = false;
            for (int r = 0; r < chunk.size(); r++) {
                Arrays.fill(factors[r], 1f);
                for (int[] head : chunk.get(r).heads()) {
                    if (head[0] < startLayer) {
                        throw new IllegalArgumentException("a batch starting at layer " + startLayer + " cannot ablate layer " + head[0]);
                    }
                    if (head[0] == layer) {
                        factors[r][head[1]] = (float) chunk.get(r).scale();
                        touched = true;
                    }
                }
            }
            if (touched) {
                hooks.add(Hook.replacing("blocks." + layer + ".attn.hook_z",
                        ablation.intervention(layer, scorer.perRow(factors), scorer.promptLength(), position)));
            }
        }
        try (NDArray batch = scorer.repeatRuns(residual, chunk.size()); NDArray zs = scorer.repeatRuns(z, chunk.size());
             ForwardResult r = model.run(m, batch, scorer.readingAnswers(RunOptions.defaults().resumingAtZ(startLayer, zs)
                     .withHooks(hooks.toArray(Hook[]::new))))) {
            List<AnswerReading> readings = scorer.read(r.output());
            for (int row = 0; row < chunk.size(); row++) {
                onReading.accept(chunk.get(row), readings.get(row));
            }
        }
    }
}
