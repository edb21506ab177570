package lab.experiments.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.sae.SaeFolder;
import lab.sae.SparseAutoencoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sae_toggle with SAELens's own topk SAE (blocks.0.hook_resid_post, d_in 64) spliced into the toy
 * model (d_model 64), checked against a hooked forward written out by hand.
 */
class SaeToggleTest {

    static final Path SAE = Path.of("src/test/resources/fixtures/saelens/topk");
    static HookedTransformer model;
    static List<PreparedExample> examples;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Path.of("../data/models/toy"), LoadOptions.cpu());
        examples = new ArrayList<>();
        String[][] pairs = {{"Mary", "John"}, {"Anna", "Carl"}, {"Sam", "Vera"}};
        for (String[] p : pairs) {
            long[] clean = model.tokenizer().encode("When " + p[0] + " and " + p[1] + " went to the garden , " + p[1]
                    + " gave a hat to", true);
            examples.add(new PreparedExample(p[0], "g", clean, clean, model.tokenizer().singleToken(p[0], "target"),
                    model.tokenizer().singleToken(p[1], "foil")));
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static SaeToggle toggle(String json) throws Exception {
        return SaeToggle.fromParams(new ObjectMapper().readTree(json.replace("SAE", SAE.toString())));
    }

    static List<Map<String, Object>> run(SaeToggle t, PreparedExample ex) {
        List<Map<String, Object>> rows = new ArrayList<>();
        t.run(model, ex, List.of("logit_diff", "kl"), (condition, metrics, baselines) -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>(condition);
            row.putAll(metrics);
            row.putAll(baselines);
            rows.add(row);
        });
        return rows;
    }

    @Test
    void scaleOneWithTheErrorTermIsTheCleanRun() throws Exception {
        SaeToggle t = toggle("{\"sae\": \"SAE\", \"top_k\": 4, \"mode\": \"scale\", \"values\": [1.0]}");
        t.check(model.config());
        t.chooseFeatures(model, examples);
        for (PreparedExample ex : examples) {
            for (Map<String, Object> row : run(t, ex)) {
                assertEquals((double) row.get("clean_logit_diff"), (double) row.get("logit_diff"), 1e-5, row.toString());
                assertEquals(0.0, (double) row.get("kl"), 1e-9, row.toString());
            }
        }
    }

    @Test
    void zeroingAFeatureMatchesAHandWrittenHookedForward() throws Exception {
        SaeToggle t = toggle("{\"sae\": \"SAE\", \"top_k\": 3}");
        t.chooseFeatures(model, examples);
        PreparedExample ex = examples.get(0);
        List<Map<String, Object>> rows = run(t, ex);
        assertEquals(3, rows.size());
        try (NDManager m = NDManager.newBaseManager(); SparseAutoencoder sae = SaeFolder.read(m, SAE)) {
            for (Map<String, Object> row : rows) {
                int feature = (int) row.get("feature");
                Hook byHand = Hook.replacing("blocks.0.hook_resid_post", x -> {
                    NDArray rest = x.get(new NDIndex(":, 1:"));
                    NDArray f = sae.encode(rest);
                    NDArray edited = f.duplicate();
                    edited.set(new NDIndex("..., " + feature), 0f);
                    NDArray out = rest.add(sae.decode(edited)).sub(sae.decode(f));
                    return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(x.get(new NDIndex(":, :1")), out), 1);
                });
                float[] logits;
                try (ForwardResult r = model.run(m, model.tokens(m, ex.clean()), RunOptions.defaults().withHooks(byHand).unembedOnly(-1))) {
                    logits = r.output().toFloatArray();
                }
                double expected = (double) logits[(int) ex.target()] - logits[(int) ex.foil()];
                assertEquals(expected, (double) row.get("logit_diff"), 1e-4, "feature " + feature);
            }
        }
    }

    @Test
    void topKPicksTheFeaturesOfHighestMeanActivation() throws Exception {
        SaeToggle t = toggle("{\"sae\": \"SAE\", \"top_k\": 5}");
        t.chooseFeatures(model, examples);
        double[] sum = new double[256];
        try (NDManager m = NDManager.newBaseManager(); SparseAutoencoder sae = SaeFolder.read(m, SAE)) {
            for (PreparedExample ex : examples) {
                try (ForwardResult r = model.run(m, model.tokens(m, ex.clean()), RunOptions.defaults().caching("blocks.0.hook_resid_post"))) {
                    float[] f = sae.encode(r.cache().get("blocks.0.hook_resid_post").get(new NDIndex("0, 1:"))).sum(new int[] {0}).toFloatArray();
                    for (int j = 0; j < 256; j++) {
                        sum[j] += f[j];
                    }
                }
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int j = 0; j < 256; j++) {
            expected.add(j);
        }
        expected.sort((a, b) -> Double.compare(sum[b], sum[a]));
        assertEquals(expected.subList(0, 5), t.features());
    }

    @Test
    void badParametersAreOneClearError() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> toggle("{\"sae\": \"SAE\", \"mode\": \"scale\", \"top_k\": 2}"))
                .getMessage().contains("needs a list of numbers"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> toggle("{\"sae\": \"SAE\"}"))
                .getMessage().contains("exactly one of experiment.features"));
        SaeToggle outOfRange = toggle("{\"sae\": \"SAE\", \"features\": [300]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> outOfRange.chooseFeatures(model, examples))
                .getMessage().contains("names feature 300 but the SAE has d_sae 256"));
        // the same SAE said to read the MLP's hidden layer (d_mlp 256): d_in no longer fits
        Path moved = Files.createDirectories(tmp.resolve("moved"));
        ObjectNode cfg = (ObjectNode) new ObjectMapper().readTree(SAE.resolve("cfg.json").toFile());
        ((ObjectNode) cfg.get("metadata")).put("hook_name", "blocks.0.mlp.hook_post");
        Files.writeString(moved.resolve("cfg.json"), cfg.toString());
        Files.copy(SAE.resolve("sae_weights.safetensors"), moved.resolve("sae_weights.safetensors"));
        SaeToggle wrongHook = SaeToggle.fromParams(new ObjectMapper().readTree("{\"sae\": \"" + moved + "\", \"top_k\": 1}"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrongHook.chooseFeatures(model, examples))
                .getMessage().contains("the SAE's d_in is 64 but blocks.0.mlp.hook_post of this model has 256"));
    }
}
