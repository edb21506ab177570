package lab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness run} with activation_patch, layer_resid, both directions, on the gpt2-tiny fixture's
 * clean/corrupt pair: the Parquet holds the logit differences HF transformers gives for the same
 * residual patches ({@code resid_patch_c2x/x2c_last_logits}), and the scores built from them.
 */
class ActivationPatchRunTest {

    private static final String MODEL = "gpt2-tiny";

    // The fixture is a random model: the corruption moves the logit difference of " Mary" - " John"
    // by 6e-4 only. These two tokens are the pair it moves most (by 0.022, from HF's logits), so
    // that the normalised scores are well conditioned.
    private static final String TARGET = "D";
    private static final String FOIL = "um";

    @TempDir
    Path tmp;

    @Test
    void layerResidBothWaysGivesHfLogitDiffsInTheParquet() throws Exception {
        JsonNode ref = Fixtures.referenceJson(MODEL);
        String clean = ref.get("clean").asText();
        String corrupt = ref.get("corrupt").asText();
        // a second example whose prompts are the same: nothing to normalise by, so its patch_score is NaN
        Files.writeString(tmp.resolve("c.jsonl"), line("pair", clean, corrupt) + line("same", clean, clean));
        Path run = tmp.resolve("run.json");
        Files.writeString(run, "{\"name\": \"patch\", \"model\": {\"path\": \"" + Fixtures.dir(MODEL).toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + tmp.resolve("c.jsonl")
                + "\"}, \"experiment\": {\"type\": \"activation_patch\", \"direction\": \"both\", \"granularity\": \"layer_resid\","
                + " \"batch_size\": 10}, \"metrics\": [\"logit_diff\", \"kl\"], \"seeds\": [0],"
                + " \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": false}}");
        CliTest.Outcome o = CliTest.harness("run", run.toString());
        assertEquals(0, o.code(), o.err());
        Path dir;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            dir = s.findFirst().orElseThrow();
        }

        long[] cleanIds = Fixtures.ids(ref.get("clean_ids"));
        long[] corruptIds = Fixtures.ids(ref.get("corrupt_ids"));
        int target;
        int foil;
        int layers;
        String firstToken;
        try (HookedTransformer model = Fixtures.load(MODEL)) {
            firstToken = model.tokenizer().decode(new long[] {cleanIds[0]}).strip();
            assertArrayEquals(cleanIds, model.tokenizer().encode(clean), "the corpus prompt is the fixture's");
            target = (int) model.tokenizer().singleToken(TARGET, "target");
            foil = (int) model.tokenizer().singleToken(FOIL, "foil");
            layers = model.config().nLayers();
        }
        int length = cleanIds.length;
        // at layer 0, patching the one position where the prompts differ turns one prompt into the
        // other: that row is the other prompt's own run, so HF's clean and corrupt values are there
        int differs = java.util.stream.IntStream.range(0, length).filter(p -> cleanIds[p] != corruptIds[p]).findFirst().orElseThrow();
        try (NDManager m = NDManager.newBaseManager();
             Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            var hf = Fixtures.referenceTensors(m, MODEL);
            double[][] c2x = lastLogitDiffs(hf.get("resid_patch_c2x_last_logits"), target, foil);
            double[][] x2c = lastLogitDiffs(hf.get("resid_patch_x2c_last_logits"), target, foil);
            double hfClean = c2x[0][differs];
            double hfCorrupt = x2c[0][differs];
            String parquet = "read_parquet('" + dir.resolve("results.parquet") + "')";
            assertTrue(Math.abs(hfClean - hfCorrupt) > 0.02, "the pair must differ for the scores to mean anything");
            ResultSet rs = c.createStatement().executeQuery("SELECT direction, layer, position, logit_diff, patch_score,"
                    + " clean_logit_diff, corrupt_logit_diff FROM " + parquet + " WHERE example_id = 'pair'");
            int seen = 0;
            while (rs.next()) {
                String direction = rs.getString(1);
                int l = rs.getInt(2);
                int p = rs.getInt(3);
                assertEquals(hfClean, rs.getDouble(6), 1e-3, "clean_logit_diff");
                assertEquals(hfCorrupt, rs.getDouble(7), 1e-3, "corrupt_logit_diff");
                double restored = (c2x[l][p] - hfCorrupt) / (hfClean - hfCorrupt);
                double broken = (hfClean - x2c[l][p]) / (hfClean - hfCorrupt);
                String where = direction + " layer " + l + " position " + p;
                switch (direction) {
                    case "clean_to_corrupt" -> {
                        assertEquals(c2x[l][p], rs.getDouble(4), 1e-3, where);
                        assertEquals(restored, rs.getDouble(5), 1e-3, where);
                        assertEquals((rs.getDouble(4) - rs.getDouble(7)) / (rs.getDouble(6) - rs.getDouble(7)), rs.getDouble(5), 1e-9);
                    }
                    case "corrupt_to_clean" -> {
                        assertEquals(x2c[l][p], rs.getDouble(4), 1e-3, where);
                        assertEquals(broken, rs.getDouble(5), 1e-3, where);
                        assertEquals((rs.getDouble(6) - rs.getDouble(4)) / (rs.getDouble(6) - rs.getDouble(7)), rs.getDouble(5), 1e-9);
                    }
                    case "asymmetry" -> {
                        assertTrue(Double.isNaN(rs.getDouble(4)) || rs.wasNull(), where + ": asymmetry rows carry no logit_diff");
                        assertEquals(restored - broken, rs.getDouble(5), 1e-3, where);
                    }
                    default -> throw new AssertionError("direction " + direction);
                }
                seen++;
            }
            assertEquals(3 * layers * length, seen);

            ResultSet same = c.createStatement().executeQuery("SELECT count(*), count(*) FILTER (WHERE isnan(patch_score)),"
                    + " count(*) FILTER (WHERE direction <> 'asymmetry' AND isnan(logit_diff)) FROM " + parquet
                    + " WHERE example_id = 'same'");
            same.next();
            assertEquals(3 * layers * length, same.getInt(1));
            assertEquals(3 * layers * length, same.getInt(2), "clean = corrupt: every patch_score is NaN");
            assertEquals(0, same.getInt(3));
        }

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        for (JsonNode row : summary.get("rows")) {
            if (row.get("metric").asText().equals("patch_score")) {
                assertEquals(1, row.get("n_examples").asInt(), "the NaN example is skipped: " + row);
            }
            if (row.get("metric").asText().equals("logit_diff") && !row.get("condition").get("direction").asText().equals("asymmetry")) {
                assertEquals(2, row.get("n_examples").asInt(), row.toString());
            }
        }
        assertTrue(summary.get("notes").toString().contains("patch_score: " + (3 * layers * length) + " of "
                + (2 * 3 * layers * length) + " values are NaN"), summary.get("notes").toString());
        assertTrue(summary.get("notes").toString().indexOf("logit_diff:") < 0, "asymmetry rows' missing logit_diff is no"
                + " undefined value: " + summary.get("notes"));
        assertTrue(Files.readString(dir.resolve("run.log")).contains("patch_score: " + (3 * layers * length)), "said in the run log");
        // both examples share a length and group: the maps name positions by their tokens
        assertTrue(Files.readString(dir.resolve("report.html")).contains(">" + firstToken + "</text>"), "position 0 labelled " + firstToken);
        try (Stream<Path> s = Files.list(dir)) {
            List<String> pngs = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
            assertTrue(pngs.contains("heatmap_patch_score_by_layer_x_position_direction_asymmetry.png"), pngs.toString());
            assertTrue(pngs.contains("heatmap_patch_score_by_layer_x_position_direction_clean_to_corrupt.png"), pngs.toString());
            assertTrue(pngs.contains("heatmap_kl_by_layer_x_position_direction_corrupt_to_clean.png"), pngs.toString());
            assertTrue(pngs.stream().noneMatch(n -> n.startsWith("heatmap_kl") && n.contains("asymmetry")),
                    "asymmetry rows have no kl: no empty map " + pngs);
        }
    }

    @Test
    void promptsOfUnequalLengthAreOneErrorNamingTheExampleAndBothTokenLists() throws Exception {
        Files.writeString(tmp.resolve("c.jsonl"), line("uneven", "When Mary and John went to the store, John gave a drink to",
                "When Mary and John went to the big store, Mary gave a drink to"));
        Path run = tmp.resolve("run.json");
        Files.writeString(run, "{\"name\": \"patch\", \"model\": {\"path\": \"" + Fixtures.dir(MODEL).toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + tmp.resolve("c.jsonl")
                + "\"}, \"experiment\": {\"type\": \"activation_patch\", \"direction\": \"clean_to_corrupt\","
                + " \"granularity\": \"mlp_out\"}, \"metrics\": [\"logit_diff\"], \"seeds\": [0],"
                + " \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": false}}");
        CliTest.Outcome o = CliTest.harness("run", run.toString());
        assertTrue(o.code() != 0, o.out());
        String error = o.err().lines().filter(l -> l.startsWith("harness run: error:")).findFirst().orElse(o.err());
        assertTrue(error.contains("(id uneven): clean is 23 tokens but corrupt is 27"), error);
        assertTrue(error.contains("ĠJohn, Ġ, gave") && error.contains("Ġ, b, i, g") && error.contains(" vs "), "both token lists: " + error);
    }

    private static String line(String id, String clean, String corrupt) {
        return "{\"id\": \"" + id + "\", \"clean\": \"" + clean + "\", \"corrupt\": \"" + corrupt
                + "\", \"target\": \"" + TARGET + "\", \"foil\": \"" + FOIL + "\", \"group\": \"g\"}\n";
    }

    /** [L, T, V] last-position logits to [L][T] logit(target) - logit(foil). */
    private static double[][] lastLogitDiffs(NDArray logits, int target, int foil) {
        long[] shape = logits.getShape().getShape();
        float[] all = logits.toFloatArray();
        int vocab = (int) shape[2];
        double[][] out = new double[(int) shape[0]][(int) shape[1]];
        for (int l = 0; l < shape[0]; l++) {
            for (int p = 0; p < shape[1]; p++) {
                int at = (int) ((l * shape[1] + p) * vocab);
                out[l][p] = (double) all[at + target] - all[at + foil];
            }
        }
        return out;
    }
}
