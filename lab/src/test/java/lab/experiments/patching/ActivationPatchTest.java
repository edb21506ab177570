package lab.experiments.patching;

import lab.experiments.ConditionColumn;
import lab.experiments.MapAxes;
import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.PatchScore;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * activation_patch's batched, started-at-the-layer patches against the same patch done the plain
 * way: one full forward of the receiving prompt per patch, with a hook that copies the source
 * run's values into the patched cells. (layer_resid is checked against HF in ActivationPatchRunTest.)
 */
class ActivationPatchTest {

    private static final List<String> METRICS = AnswerMetrics.ALL;
    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void blockOutputAndHeadPatchesMatchPlainHookedForwards() throws Exception {
        // gpt2: sequential residual; pythia: parallel attention and MLP; llama: grouped-query attention
        for (String name : new String[] {"gpt2-tiny", "pythia-tiny", "llama-tiny"}) {
            for (String params : new String[] {
                    "{\"direction\": \"both\", \"granularity\": \"attn_out\", \"batch_size\": 7}",
                    "{\"direction\": \"both\", \"granularity\": \"mlp_out\", \"positions\": [0, 5, 14, 22]}",
                    "{\"direction\": \"both\", \"granularity\": \"head_out\", \"batch_size\": 3}",
                    "{\"direction\": \"both\", \"granularity\": \"head_out\", \"per_position\": true, \"layers\": [1],"
                            + " \"positions\": [3, 14, 22]}"}) {
                checkAgainstPlainHooks(name, params);
            }
        }
    }

    /** On the *-tiny models a query or key patch barely moves anything, so these run on the sharp ones. */
    @Test
    void queryAndKeyPatchesMatchPlainHookedForwards() throws Exception {
        // pythia: hook_q/hook_k are patched before rotary; llama: a key head's copy for one query head only
        for (String name : new String[] {"gpt2-sharp", "pythia-sharp", "llama-sharp"}) {
            for (String params : new String[] {
                    "{\"direction\": \"both\", \"granularity\": \"head_q\", \"batch_size\": 5}",
                    "{\"direction\": \"both\", \"granularity\": \"head_k\", \"per_position\": true, \"layers\": [1],"
                            + " \"positions\": [3, 14, 22]}"}) {
                checkAgainstPlainHooks(name, params);
            }
        }
    }

    private void checkAgainstPlainHooks(String name, String params) throws Exception {
        ActivationPatch experiment = ActivationPatch.fromParams(JSON.readTree(params));
        var ref = Fixtures.referenceJson(name);
        long[] clean = Fixtures.ids(ref.get("clean_ids"));
        long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
        PreparedExample ex = new PreparedExample("pair", "g", clean, corrupt, 5, 7);
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            experiment.check(model.config());
            List<ReportedRow> rows = ReportedRow.of(experiment, model, ex, METRICS);
            float[] cleanLast = lastLogits(model, m, clean, RunOptions.defaults());
            float[] corruptLast = lastLogits(model, m, corrupt, RunOptions.defaults());
            double cleanLd = (double) cleanLast[5] - cleanLast[7];
            double corruptLd = (double) corruptLast[5] - corruptLast[7];
            int checked = 0;
            int moved = 0;
            for (ReportedRow row : rows) {
                String direction = (String) row.condition().get("direction");
                assertEquals(cleanLd, row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-4);
                assertEquals(corruptLd, row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF), 1e-4);
                if (direction.equals(PatchDirection.ASYMMETRY)) {
                    continue;
                }
                boolean intoCorrupt = direction.equals("clean_to_corrupt");
                int layer = (Integer) row.condition().get("layer");
                String hook = params.contains("attn_out") ? "blocks." + layer + ".hook_attn_out"
                        : params.contains("mlp_out") ? "blocks." + layer + ".hook_mlp_out"
                        : params.contains("head_q") ? "blocks." + layer + ".attn.hook_q"
                        : params.contains("head_k") ? "blocks." + layer + ".attn.hook_k" : "blocks." + layer + ".attn.hook_z";
                NDArray source = model.run(m, model.tokens(m, intoCorrupt ? clean : corrupt), RunOptions.defaults().caching(hook))
                        .cache().get(hook);
                NDIndex cells = cells(row.condition());
                float[] patched = lastLogits(model, m, intoCorrupt ? corrupt : clean, RunOptions.defaults().withHooks(
                        Hook.replacing(hook, x -> {
                            NDArray y = x.duplicate();
                            y.set(cells, source.get(cells));
                            return y;
                        })));
                AnswerMetrics receiver = new AnswerMetrics(intoCorrupt ? corruptLast : cleanLast, 5, 7);
                String where = name + " " + params + " " + row.condition();
                for (String metric : METRICS) {
                    assertEquals(receiver.value(metric, patched), row.values().get(metric), 2e-4, where + " " + metric);
                }
                double ld = row.values().get(AnswerMetrics.LOGIT_DIFF);
                // the score from the row's own baselines (checked above to 1e-4): a forward computed
                // another way (e.g. the last block at the last position only) may differ in the
                // last bits, which a small clean - corrupt difference would magnify past 1e-6
                double rowClean = row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF);
                double rowCorrupt = row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF);
                double expectedScore = intoCorrupt ? (ld - rowCorrupt) / (rowClean - rowCorrupt) : (rowClean - ld) / (rowClean - rowCorrupt);
                assertEquals(expectedScore, row.values().get(PatchScore.NAME), 1e-6 * Math.max(1, Math.abs(expectedScore)), where);
                moved += receiver.value(AnswerMetrics.KL, patched) > 1e-7 ? 1 : 0;
                checked++;
            }
            assertEquals(expectedRows(params, model, clean.length), rows.size(), name + " " + params);
            assertTrue(checked > 0 && moved > 0, name + " " + params + ": some patch must change something");
        }
    }

    /** What the condition patches: a position, a head at every position, or a head at a position. */
    static NDIndex cells(Map<String, Object> condition) {
        Object head = condition.get("head");
        Object position = condition.get("position");
        if (head == null) {
            return new NDIndex(":, {}", position);
        }
        return position == null ? new NDIndex(":, :, {}", head) : new NDIndex(":, {}, {}", position, head);
    }

    /** Conditions x (2 directions + the asymmetry row). */
    private static int expectedRows(String params, HookedTransformer model, int length) {
        int layers = model.config().nLayers();
        int heads = model.config().nHeads();
        if (params.contains("per_position")) {
            return 3 * heads * 3;
        }
        if (params.contains("\"head_")) {
            return 3 * layers * heads;
        }
        return 3 * layers * (params.contains("positions") ? 4 : length);
    }

    private static float[] lastLogits(HookedTransformer model, NDManager m, long[] ids, RunOptions options) {
        return model.run(m, model.tokens(m, ids), options.unembedOnly(-1)).output().toFloatArray();
    }

    @Test
    void conditionColumnsAndMapsFollowTheGranularity() throws Exception {
        ActivationPatch resid = ActivationPatch.fromParams(JSON.readTree("{\"direction\": \"both\", \"granularity\": \"layer_resid\"}"));
        assertEquals(List.of("direction", "layer", "position"), resid.conditionColumns().stream().map(ConditionColumn::name).toList());
        assertEquals(List.of(new MapAxes("layer", "position", List.of("direction")).withoutChangeMaps()), resid.maps(),
                "no change-from-clean map: clean into corrupt is read against the corrupt run");
        assertEquals(PatchScore.NAME, resid.effectMetric(List.of("logit_diff", "kl")), "the report ranks patches by patch_score");
        assertEquals(List.of(PatchScore.NAME), resid.extraMetrics());
        assertEquals(List.of(AnswerMetrics.CLEAN_LOGIT_DIFF, PatchScore.CORRUPT_LOGIT_DIFF), resid.baselines());
        ActivationPatch heads = ActivationPatch.fromParams(JSON.readTree("{\"direction\": \"clean_to_corrupt\", \"granularity\": \"head_out\"}"));
        assertEquals(List.of("direction", "layer", "head"), heads.conditionColumns().stream().map(ConditionColumn::name).toList());
        ActivationPatch perPosition = ActivationPatch.fromParams(JSON.readTree(
                "{\"direction\": \"clean_to_corrupt\", \"granularity\": \"head_out\", \"per_position\": true}"));
        assertEquals(List.of("direction", "layer", "head", "position"),
                perPosition.conditionColumns().stream().map(ConditionColumn::name).toList());
    }

    @Test
    void badParametersAreOneClearErrorEach() throws Exception {
        assertMessage("{\"direction\": \"sideways\", \"granularity\": \"layer_resid\"}", "experiment.direction is 'sideways'", "\"both\"");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"neuron\"}", "experiment.granularity is 'neuron'", "\"head_out\"");
        assertMessage("{\"granularity\": \"layer_resid\"}", "experiment.direction is missing");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"attn_out\", \"per_position\": true}",
                "per_position applies to granularity \"head_out\", \"head_q\" or \"head_k\" only");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"head_out\", \"positions\": [1]}", "needs \"per_position\": true");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"layers\": [0, 0]}", "experiment.layers holds 0");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"positions\": [-1]}", "experiment.positions holds -1");
        assertMessage("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"batch_size\": 0}", "batch_size must be at least 1");

        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            ActivationPatch layer = ActivationPatch.fromParams(JSON.readTree(
                    "{\"direction\": \"both\", \"granularity\": \"head_out\", \"layers\": [1, 2]}"));
            var e = assertThrows(IllegalArgumentException.class, () -> layer.check(model.config()));
            assertTrue(e.getMessage().contains("layer 2 but the model has 2 layers (0..1)"), e.getMessage());
            ActivationPatch far = ActivationPatch.fromParams(JSON.readTree(
                    "{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"positions\": [4, 30]}"));
            far.check(model.config());
            List<PreparedExample> examples = List.of(new PreparedExample("a", "g", new long[] {1, 2, 3, 4, 5}, new long[] {1, 2, 9, 4, 5}, 5, 6));
            var p = assertThrows(IllegalArgumentException.class, () -> far.check(examples));
            assertTrue(p.getMessage().contains("position 30 but the longest prompt is 5 tokens (positions 0..4"), p.getMessage());
            ActivationPatch beyondContext = ActivationPatch.fromParams(JSON.readTree(
                    "{\"direction\": \"both\", \"granularity\": \"mlp_out\", \"positions\": [" + model.config().contextLength() + "]}"));
            var c = assertThrows(IllegalArgumentException.class, () -> beyondContext.check(model.config()));
            assertTrue(c.getMessage().contains("context is " + model.config().contextLength()), c.getMessage());
        }
    }

    /** A prompt shorter than a listed position has no row there; the others do. */
    @Test
    void positionsBeyondAShortPromptAreLeftOutForThatPrompt() throws Exception {
        ActivationPatch experiment = ActivationPatch.fromParams(JSON.readTree(
                "{\"direction\": \"corrupt_to_clean\", \"granularity\": \"layer_resid\", \"positions\": [1, 6], \"layers\": [1]}"));
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            List<Object> positions = new ArrayList<>();
            experiment.run(model, new PreparedExample("short", "g", new long[] {10, 11, 12, 13}, new long[] {10, 20, 12, 13}, 5, 6),
                    List.of(AnswerMetrics.KL), (c, v, b) -> positions.add(c.get("position")));
            assertEquals(List.of(1), positions);
        }
    }

    private static void assertMessage(String params, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, () -> ActivationPatch.fromParams(JSON.readTree(params)));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }
}
