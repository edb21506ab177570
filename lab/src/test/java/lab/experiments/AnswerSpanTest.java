package lab.experiments;

import lab.experiments.heads.HeadsZero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * Answers of several tokens ({@code span} full) through heads_zero, against an independent
 * computation: one plain forward over prompt + answer per answer, log-softmax summed by hand.
 */
public class AnswerSpanTest {

    private static final String PROMPT = "When Mary and John went to the store, John gave a";

    @Test
    void spanMetricsMatchPlainForwardsSummedByHand() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength(),
                    AnswerSpan.FULL);
            // target longer than foil, then foil longer than target: each row takes its turn being padded
            for (String[] answers : new String[][] {{" drink", " Mary"}, {" Mary", " lemonade"}}) {
                PreparedExample ex = preparer.prepare(new Prompt("p", "g", PROMPT, PROMPT, answers[0], answers[1]), "test");
                assertTrue(ex.targetTokens().length != ex.foilTokens().length
                        && Math.max(ex.targetTokens().length, ex.foilTokens().length) > 1, Arrays.toString(answers));
                List<Object[]> rows = new ArrayList<>();
                HeadsZero.fromParams(new ObjectMapper().readTree(
                        "{\"scales\": [0.0, 1.0], \"heads\": [[0, 3], [1, 2]], \"batch_size\": 3}"))
                        .run(model, ex, AnswerMetrics.ALL, (c, v, b) -> rows.add(new Object[] {c, v, b}));
                assertEquals(4, rows.size());
                Reading clean = Reading.of(model, m, ex, null);
                for (Object[] row : rows) {
                    @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) row[0];
                    @SuppressWarnings("unchecked") Map<String, Double> v = (Map<String, Double>) row[1];
                    @SuppressWarnings("unchecked") Map<String, Double> b = (Map<String, Double>) row[2];
                    String where = Arrays.toString(answers) + " " + c;
                    Hook zero = (Double) c.get("scale") == 0.0 ? Hook.replacing("blocks." + c.get("layer") + ".attn.hook_z",
                            Interventions.zeroHead((Integer) c.get("head"))) : null;
                    Reading ablated = Reading.of(model, m, ex, zero);
                    assertEquals(clean.target - clean.foil, b.get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-4, where);
                    assertEquals(ablated.target - ablated.foil, v.get(AnswerMetrics.LOGIT_DIFF), 1e-4, where);
                    assertEquals(Math.exp(clean.target) - Math.exp(ablated.target), v.get(AnswerMetrics.P_DROP), 1e-5, where);
                    assertEquals(klByHand(clean.first, ablated.first), v.get(AnswerMetrics.KL), 1e-5, where);
                    assertEquals(argMax(clean.first) == argMax(ablated.first) ? 0.0 : 1.0, v.get(AnswerMetrics.ACC_FLIP_RATE), where);
                }
                double unchanged = rows.stream().filter(r -> ((Map<?, ?>) r[0]).get("scale").equals(1.0))
                        .mapToDouble(r -> Math.abs(((Map<String, Double>) r[1]).get(AnswerMetrics.LOGIT_DIFF)
                                - ((Map<String, Double>) r[2]).get(AnswerMetrics.CLEAN_LOGIT_DIFF))).max().orElseThrow();
                assertTrue(unchanged < 1e-4, "scale 1 changes nothing");
                assertTrue(rows.stream().anyMatch(r -> ((Map<String, Double>) r[1]).get(AnswerMetrics.KL) > 1e-6),
                        "zeroing a head changed nothing: the comparison would prove little");
            }
        }
    }

    @Test
    void scorerRunsTeacherForcedRowsPaddedAtTheEndAndReadsAnyPrompt() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength(),
                    AnswerSpan.FULL);
            String corrupt = "When Mary and John went to the store, Mary gave a";
            PreparedExample ex = preparer.prepare(new Prompt("p", "g", PROMPT, corrupt, " lemonade", " drink"), "test");
            long[] prompt = ex.corrupt();
            long[] target = ex.targetTokens();
            long[] foil = ex.foilTokens();
            AnswerScorer scorer = AnswerScorer.forCorrupt(ex);
            long[][] rows = scorer.tokenRows();
            assertEquals(2, scorer.rowsPerRun());
            assertEquals(prompt.length + Math.max(target.length, foil.length) - 1, scorer.sequenceLength());
            assertEquals(prompt.length - 1, scorer.lastPromptPosition());
            for (int i = 0; i < prompt.length; i++) {
                assertEquals(prompt[i], rows[0][i]);
                assertEquals(prompt[i], rows[1][i]);
            }
            for (int i = 0; i < target.length - 1; i++) {
                assertEquals(target[i], rows[0][prompt.length + i]);
            }
            for (int i = 0; i < foil.length - 1; i++) {
                assertEquals(foil[i], rows[1][prompt.length + i]);
            }
            // three runs of the corrupt prompt in one batch read the same as one plain forward per answer
            NDArray batch = scorer.repeatRuns(scorer.tokens(model, m), 3);
            var readings = scorer.read(model.run(m, batch, scorer.readingAnswers(RunOptions.defaults())).output());
            PreparedExample asClean = new PreparedExample("p", "g", prompt, prompt, target, foil);
            Reading byHand = Reading.of(model, m, asClean, null);
            assertEquals(3, readings.size());
            for (var r : readings) {
                assertEquals(byHand.target - byHand.foil, r.answerDiff(), 1e-4);
                assertEquals(byHand.target, r.targetLogProb(), 1e-4);
            }
        }
    }

    @Test
    void positionLastActsOnThePromptsLastTokenInEveryRow() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            PreparedExample ex = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength(), AnswerSpan.FULL)
                    .prepare(new Prompt("p", "g", PROMPT, PROMPT, " drink", " Mary"), "test");
            List<Map<String, Double>> got = new ArrayList<>();
            HeadsZero.fromParams(new ObjectMapper().readTree("{\"scales\": [0.0], \"heads\": [[0, 1]], \"position\": \"last\"}"))
                    .run(model, ex, List.of(AnswerMetrics.LOGIT_DIFF), (c, v, b) -> got.add(v));
            int last = ex.clean().length - 1;
            Reading byHand = Reading.of(model, m, ex, Hook.replacing("blocks.0.attn.hook_z", z -> {
                NDArray kept = z.duplicate();
                kept.set(new NDIndex(":, {}, 1, :", last), 0f);
                return kept;
            }));
            assertEquals(byHand.target - byHand.foil, got.get(0).get(AnswerMetrics.LOGIT_DIFF), 1e-4);
        }
    }

    @Test
    void aMultiTokenAnswerWithoutSpanFullIsOneClearError() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            ExamplePreparer single = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> single.prepare(new Prompt("x7", "g", PROMPT, PROMPT, " drink", " Mary"), "corpus.jsonl"));
            assertTrue(e.getMessage().startsWith("corpus.jsonl (id x7): target ' drink' is "), e.getMessage());
            assertTrue(e.getMessage().contains("\"span\": \"full\""), e.getMessage());
            ExamplePreparer full = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength(), AnswerSpan.FULL);
            var same = assertThrows(IllegalArgumentException.class,
                    () -> full.prepare(new Prompt("x8", "g", PROMPT, PROMPT, " drink", " drink"), "corpus.jsonl"));
            assertTrue(same.getMessage().contains("target and foil are the same tokens"), same.getMessage());
            var multi = assertThrows(IllegalStateException.class,
                    () -> full.prepare(new Prompt("x9", "g", PROMPT, PROMPT, " drink", " Mary"), "c").target());
            assertTrue(multi.getMessage().contains("AnswerScorer"), multi.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> AnswerSpan.parse("all"));
        assertEquals(AnswerSpan.SINGLE, AnswerSpan.parse(null));
    }

    /** Summed log-probabilities of target and foil, each from its own unbatched forward, and the first answer position's log-probs. */
    public record Reading(double target, double foil, double[] first) {

        public static Reading of(HookedTransformer model, NDManager m, PreparedExample ex, Hook hook) {
            return of(model, m, ex.clean(), ex.targetTokens(), ex.foilTokens(), answer -> hook);
        }

        /** @param hookFor the hook of the forward over prompt + that answer; null for none */
        public static Reading of(HookedTransformer model, NDManager m, long[] prompt, long[] target, long[] foil,
                          java.util.function.Function<long[], Hook> hookFor) {
            double[][] targetLogProbs = logProbs(model, m, prompt, target, hookFor.apply(target));
            return new Reading(sum(targetLogProbs, target), sum(logProbs(model, m, prompt, foil, hookFor.apply(foil)), foil),
                    targetLogProbs[0]);
        }

        /** log_softmax at the positions predicting each answer token of prompt + answer. */
        private static double[][] logProbs(HookedTransformer model, NDManager m, long[] prompt, long[] answer, Hook hook) {
            long[] sequence = Arrays.copyOf(prompt, prompt.length + answer.length);
            System.arraycopy(answer, 0, sequence, prompt.length, answer.length);
            RunOptions options = hook == null ? RunOptions.defaults() : RunOptions.defaults().withHooks(hook);
            NDArray logits = model.run(m, model.tokens(m, sequence), options).output();
            double[][] out = new double[answer.length][];
            for (int i = 0; i < answer.length; i++) {
                float[] row = logits.get(new NDIndex("0, {}", prompt.length - 1 + i)).toFloatArray();
                double max = Double.NEGATIVE_INFINITY;
                for (float x : row) {
                    max = Math.max(max, x);
                }
                double z = 0;
                for (float x : row) {
                    z += Math.exp(x - max);
                }
                out[i] = new double[row.length];
                for (int k = 0; k < row.length; k++) {
                    out[i][k] = row[k] - max - Math.log(z);
                }
            }
            return out;
        }

        private static double sum(double[][] logProbs, long[] tokens) {
            double s = 0;
            for (int i = 0; i < tokens.length; i++) {
                s += logProbs[i][(int) tokens[i]];
            }
            return s;
        }
    }

    public static double klByHand(double[] logP, double[] logQ) {
        double kl = 0;
        for (int i = 0; i < logP.length; i++) {
            kl += Math.exp(logP[i]) * (logP[i] - logQ[i]);
        }
        return Math.max(0, kl);
    }

    public static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }
}
