package lab.experiments.patching;

import lab.experiments.AnswerSpan;
import lab.experiments.AnswerSpanTest;
import lab.experiments.ExamplePreparer;
import lab.experiments.PreparedExample;
import lab.experiments.Prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.AnswerSpanTest.Reading;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.PatchScore;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * activation_patch with answers of several tokens ({@code span} full) against an independent
 * computation: per patch, one plain full forward of the receiving prompt + each answer, with a hook
 * that copies the patched cells from a plain cached forward of the source prompt + the same answer,
 * log-softmax summed by hand (see {@link AnswerSpanTest.Reading}).
 */
class ActivationPatchSpanTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void spanPatchesMatchPlainHookedForwardsOverPromptAndAnswer() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            var ref = Fixtures.referenceJson("gpt2-tiny");
            ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), true, model.config().contextLength(), AnswerSpan.FULL);
            // target longer than foil, then foil longer than target: each row takes its turn being padded
            for (String[] answers : new String[][] {{" drink", " Mary"}, {" Mary", " lemonade"}}) {
                PreparedExample ex = preparer.prepare(new Prompt("p", "g", ref.get("clean").asText(), ref.get("corrupt").asText(),
                        answers[0], answers[1]), "test");
                assertTrue(ex.targetTokens().length != ex.foilTokens().length
                        && Math.max(ex.targetTokens().length, ex.foilTokens().length) > 1, java.util.Arrays.toString(answers));
                checkAllGranularities(model, m, ex);
            }
        }
    }

    private void checkAllGranularities(HookedTransformer model, NDManager m, PreparedExample ex) throws Exception {
        int last = ex.clean().length - 1;
        int changed = 0;
        while (ex.clean()[changed] == ex.corrupt()[changed]) {
            changed++;
        }
        String positions = "[0, " + changed + ", " + last + "]";
        for (String params : new String[] {
                "{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"positions\": " + positions + ", \"batch_size\": 5}",
                "{\"direction\": \"both\", \"granularity\": \"attn_out\", \"positions\": " + positions + ", \"batch_size\": 7}",
                "{\"direction\": \"both\", \"granularity\": \"head_out\", \"batch_size\": 6}",
                "{\"direction\": \"both\", \"granularity\": \"head_out\", \"per_position\": true, \"layers\": [1],"
                        + " \"positions\": [" + changed + ", " + last + "]}"}) {
            checkAgainstPlainForwards(model, m, ex, params);
        }
    }

    private void checkAgainstPlainForwards(HookedTransformer model, NDManager m, PreparedExample ex, String params)
            throws Exception {
        ActivationPatch experiment = ActivationPatch.fromParams(JSON.readTree(params));
        assertTrue(experiment.scoresAnswerSpans());
        List<ReportedRow> rows = ReportedRow.of(experiment, model, ex, AnswerMetrics.ALL);
        long[] target = ex.targetTokens();
        long[] foil = ex.foilTokens();
        Reading clean = Reading.of(model, m, ex.clean(), target, foil, answer -> null);
        Reading corrupt = Reading.of(model, m, ex.corrupt(), target, foil, answer -> null);
        double cleanLd = clean.target() - clean.foil();
        double corruptLd = corrupt.target() - corrupt.foil();
        assertTrue(Math.abs(cleanLd - corruptLd) > 1e-3, "the corruption must move the span's logit difference");
        Map<String, Double> scores = new HashMap<>();
        int moved = 0;
        for (ReportedRow row : rows) {
            String where = params + " " + row.condition();
            assertEquals(cleanLd, row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-4, where);
            assertEquals(corruptLd, row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF), 1e-4, where);
            String direction = (String) row.condition().get("direction");
            if (direction.equals(PatchDirection.ASYMMETRY)) {
                continue;
            }
            boolean intoCorrupt = direction.equals("clean_to_corrupt");
            Reading receiver = intoCorrupt ? corrupt : clean;
            Reading patched = patchedByHand(model, m, ex, intoCorrupt, row.condition(), params);
            Map<String, Double> v = row.values();
            assertEquals(patched.target() - patched.foil(), v.get(AnswerMetrics.LOGIT_DIFF), 1e-4, where);
            assertEquals(Math.exp(receiver.target()) - Math.exp(patched.target()), v.get(AnswerMetrics.P_DROP), 1e-5, where);
            assertEquals(AnswerSpanTest.klByHand(receiver.first(), patched.first()), v.get(AnswerMetrics.KL), 1e-5, where);
            assertEquals(AnswerSpanTest.argMax(receiver.first()) == AnswerSpanTest.argMax(patched.first()) ? 0.0 : 1.0,
                    v.get(AnswerMetrics.ACC_FLIP_RATE), where);
            // the score from the row's own (checked) logit differences: the gap would magnify float noise
            double ld = v.get(AnswerMetrics.LOGIT_DIFF);
            double c = row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF);
            double x = row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF);
            double score = intoCorrupt ? (ld - x) / (c - x) : (c - ld) / (c - x);
            assertEquals(score, v.get(PatchScore.NAME), 1e-9 * Math.max(1, Math.abs(score)), where);
            scores.put(direction + site(row.condition()), v.get(PatchScore.NAME));
            moved += v.get(AnswerMetrics.KL) > 1e-6 ? 1 : 0;
        }
        int asymmetries = 0;
        for (ReportedRow row : rows) {
            if (row.condition().get("direction").equals(PatchDirection.ASYMMETRY)) {
                String site = site(row.condition());
                assertEquals(scores.get("clean_to_corrupt" + site) - scores.get("corrupt_to_clean" + site),
                        row.values().get(PatchScore.NAME), 1e-9, params + " " + row.condition());
                asymmetries++;
            }
        }
        assertEquals(scores.size(), 2 * asymmetries, params);
        assertEquals(3 * asymmetries, rows.size(), params);
        assertEquals(expectedSites(params, model), asymmetries, params);
        assertTrue(moved > 0, params + ": some patch must change something");
    }

    /**
     * The receiving prompt + each answer run plainly, the condition's cells taken from a plain
     * cached forward of the source prompt + the same answer; only prompt positions are patched.
     */
    private static Reading patchedByHand(HookedTransformer model, NDManager m, PreparedExample ex, boolean intoCorrupt,
                                         Map<String, Object> condition, String params) {
        long[] source = intoCorrupt ? ex.clean() : ex.corrupt();
        long[] receiver = intoCorrupt ? ex.corrupt() : ex.clean();
        int layer = (Integer) condition.get("layer");
        String hook = params.contains("layer_resid") ? "blocks." + layer + ".hook_resid_pre"
                : params.contains("attn_out") ? "blocks." + layer + ".hook_attn_out" : "blocks." + layer + ".attn.hook_z";
        NDIndex cells = cells(condition, ex.clean().length);
        return Reading.of(model, m, receiver, ex.targetTokens(), ex.foilTokens(), answer -> {
            NDArray from = model.run(m, model.tokens(m, concat(source, answer)), RunOptions.defaults().caching(hook))
                    .cache().get(hook);
            return Hook.replacing(hook, x -> {
                NDArray y = x.duplicate();
                y.set(cells, from.get(cells));
                return y;
            });
        });
    }

    /** A position; a head at every prompt position; or a head at a position. */
    private static NDIndex cells(Map<String, Object> condition, int promptLength) {
        Object head = condition.get("head");
        Object position = condition.get("position");
        if (head == null) {
            return new NDIndex(":, {}", position);
        }
        return position == null ? new NDIndex(":, 0:{}, {}", promptLength, head) : new NDIndex(":, {}, {}", position, head);
    }

    private static String site(Map<String, Object> condition) {
        return " " + condition.get("layer") + " " + condition.get("head") + " " + condition.get("position");
    }

    private static int expectedSites(String params, HookedTransformer model) {
        int layers = model.config().nLayers();
        int heads = model.config().nHeads();
        if (params.contains("per_position")) {
            return heads * 2;
        }
        return params.contains("head_out") ? layers * heads : layers * 3;
    }

    private static long[] concat(long[] prompt, long[] answer) {
        long[] out = java.util.Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, out, prompt.length, answer.length);
        return out;
    }
}
