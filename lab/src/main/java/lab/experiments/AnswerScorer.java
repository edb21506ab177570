package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * Lets an experiment score its forwards without caring whether the answers are one token or
 * several: it runs the token rows this gives, unembeds the positions it names, and gets one
 * {@link AnswerReading} per run back, which {@link AnswerMetrics} turns into metrics.
 *
 * <p>One <em>run</em> of a prompt is {@link #rowsPerRun()} consecutive batch rows. One-token answers:
 * one row, the prompt, read at its last position. Answer spans (teacher forcing): two rows, prompt +
 * target and prompt + foil, each without its last token (nothing reads past it), the shorter padded
 * at the end to the longer's length; positions prompt-1 onwards are read, row 0 for the target's
 * tokens and row 1 for the foil's. Causal attention keeps the padding out of every position that is
 * read, so the two rows share a batch, and the prompt's positions are identical in both: an
 * intervention or patch at a prompt position means the same in either row.
 *
 * <p>Usage: {@code tokens} (or a cached residual of that run, {@link #repeatRuns} for many
 * conditions), {@code model.run(m, input, scorer.readingAnswers(options))}, then {@code read(output)}.
 * Per-row hook factors: {@link #perRow}.
 */
public final class AnswerScorer {

    private final long[] targetTokens;
    private final long[] foilTokens;
    private final int promptLength;
    private final long[][] rows;
    private final int[] positions;

    /** Scores the example's answers after {@code prompt} (its clean or its corrupt prompt). */
    public AnswerScorer(PreparedExample example, long[] prompt) {
        this.targetTokens = example.targetTokens();
        this.foilTokens = example.foilTokens();
        this.promptLength = prompt.length;
        if (example.singleTokenAnswers()) {
            this.rows = new long[][] {prompt.clone()};
            this.positions = new int[] {promptLength - 1};
        } else {
            int answerPositions = Math.max(targetTokens.length, foilTokens.length);
            this.rows = new long[][] {teacherForced(prompt, targetTokens, answerPositions),
                teacherForced(prompt, foilTokens, answerPositions)};
            this.positions = new int[answerPositions];
            for (int i = 0; i < answerPositions; i++) {
                positions[i] = promptLength - 1 + i;
            }
        }
    }

    public static AnswerScorer forClean(PreparedExample example) {
        return new AnswerScorer(example, example.clean());
    }

    public static AnswerScorer forCorrupt(PreparedExample example) {
        return new AnswerScorer(example, example.corrupt());
    }

    /** Prompt + answer without its last token, padded to prompt + answerPositions - 1 tokens. */
    private static long[] teacherForced(long[] prompt, long[] answer, int answerPositions) {
        long[] row = Arrays.copyOf(prompt, prompt.length + answerPositions - 1);
        System.arraycopy(answer, 0, row, prompt.length, answer.length - 1);
        // The padding value is never seen by a position that is read; any valid id will do.
        Arrays.fill(row, prompt.length + answer.length - 1, row.length, prompt[prompt.length - 1]);
        return row;
    }

    /** Batch rows per run of the prompt: 1 for one-token answers, 2 for answer spans. */
    public int rowsPerRun() {
        return rows.length;
    }

    /** The token rows of one run, each of {@link #sequenceLength()} tokens. */
    public long[][] tokenRows() {
        long[][] copy = new long[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            copy[r] = rows[r].clone();
        }
        return copy;
    }

    /** The token rows of one run as [rowsPerRun, sequenceLength] ids. */
    public NDArray tokens(HookedTransformer model, NDManager manager) {
        return model.tokens(manager, rows);
    }

    public int sequenceLength() {
        return rows[0].length;
    }

    public int promptLength() {
        return promptLength;
    }

    /** Index of the prompt's last token, the first answer position (for interventions "at the last position"). */
    public int lastPromptPosition() {
        return promptLength - 1;
    }

    /** {@code options} unembedding only the positions the answers are read from. */
    public RunOptions readingAnswers(RunOptions options) {
        return options.unembedOnly(positions);
    }

    /** One run's activations [rowsPerRun, ...] repeated for {@code runs} runs, run after run. */
    public NDArray repeatRuns(NDArray oneRun, int runs) {
        long[] repeats = new long[oneRun.getShape().dimension()];
        java.util.Arrays.fill(repeats, 1);
        repeats[0] = runs;
        // tile(long[]): the PyTorch engine does not implement tile(axis, repeats)
        return oneRun.tile(repeats);
    }

    /** Per-run values (e.g. head factors, one entry per condition) expanded to per-row, run after run. */
    public float[][] perRow(float[][] perRun) {
        float[][] out = new float[perRun.length * rows.length][];
        for (int run = 0; run < perRun.length; run++) {
            for (int r = 0; r < rows.length; r++) {
                out[run * rows.length + r] = perRun[run].clone();
            }
        }
        return out;
    }

    /**
     * @param output logits [runs * rowsPerRun, answer positions, vocab] of a forward run with
     *     {@link #readingAnswers}
     * @return one reading per run, in row order
     */
    public List<AnswerReading> read(NDArray output) {
        Shape s = output.getShape();
        if (s.dimension() != 3 || s.get(1) != positions.length || s.get(0) % rows.length != 0) {
            throw new IllegalArgumentException("expected logits [runs x " + rows.length + ", " + positions.length
                    + ", vocab] read at the answer positions, got " + s);
        }
        int runs = (int) (s.get(0) / rows.length);
        int vocab = (int) s.get(2);
        float[] all = output.toFloatArray();
        List<AnswerReading> readings = new ArrayList<>(runs);
        for (int run = 0; run < runs; run++) {
            int row = run * rows.length;
            if (rows.length == 1) {
                readings.add(AnswerReading.ofTokens(logitsAt(all, row, 0, vocab), targetTokens[0], foilTokens[0]));
            } else {
                readings.add(AnswerReading.ofSpans(span(all, row, targetTokens.length, vocab), targetTokens,
                        span(all, row + 1, foilTokens.length, vocab), foilTokens));
            }
        }
        return readings;
    }

    private float[][] span(float[] all, int row, int length, int vocab) {
        float[][] out = new float[length][];
        for (int i = 0; i < length; i++) {
            out[i] = logitsAt(all, row, i, vocab);
        }
        return out;
    }

    private float[] logitsAt(float[] all, int row, int position, int vocab) {
        int from = (row * positions.length + position) * vocab;
        return Arrays.copyOfRange(all, from, from + vocab);
    }
}
