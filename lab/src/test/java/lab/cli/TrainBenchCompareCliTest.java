package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} (--stop-after, resume, --fresh, --eval-only and exit 1 when the claims fail),
 * {@code bench forward}'s agreement between the optimised and the naive head sweep,
 * {@code --device cuda} where there is no GPU, and {@code compare}, as a user runs them.
 */
class TrainBenchCompareCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The micro config cut to 30 steps: far too few for the claims, so the run ends with exit 1. */
    private Path microConfig() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(Path.of("configs/train_micro.json").toFile());
        ((ObjectNode) c.get("optimizer")).put("steps", 30);
        c.put("output", tmp.resolve("model").toString());
        c.put("run_dir", tmp.resolve("run").toString());
        Path file = tmp.resolve("micro30.json");
        JSON.writeValue(file.toFile(), c);
        return file;
    }

    @Test
    void trainStopsResumesRestartsFreshAndExitsOneWhenClaimsFail() throws Exception {
        String config = microConfig().toString();
        CliTest.Outcome stopped = CliTest.harness("train", config, "--stop-after", "10", "--quiet", "--mlflow", "false");
        assertEquals(0, stopped.code(), stopped.err());
        assertTrue(stopped.out().contains("stopped at step 10 of 30"), stopped.out());

        CliTest.Outcome resumed = CliTest.harness("train", config, "--quiet", "--mlflow", "false");
        assertTrue(resumed.err().contains("at step 10"), "should resume: " + resumed.err());
        assertEquals(1, resumed.code(), "30 steps cannot meet the claims: " + resumed.out());
        assertFalse(JSON.readTree(tmp.resolve("model/model_card.json").toFile()).at("/claims/all_hold").asBoolean());
        assertTrue(Files.isRegularFile(tmp.resolve("model/model.safetensors")));

        // --fresh ignores the checkpoint: it stops at 5, which a resumed run (already at 30) could not
        CliTest.Outcome fresh = CliTest.harness("train", config, "--fresh", "--stop-after", "5", "--quiet", "--mlflow", "false");
        assertEquals(0, fresh.code(), fresh.err());
        assertFalse(fresh.err().contains("resuming"), fresh.err());
        assertTrue(fresh.out().contains("stopped at step 5 of 30"), fresh.out());

        CliTest.Outcome eval = CliTest.harness("train", config, "--eval-only");
        assertEquals(1, eval.code(), eval.err());
        JsonNode claims = JSON.readTree(eval.out());
        assertFalse(claims.get("all_hold").asBoolean(), eval.out());
        assertTrue(claims.at("/induction/best_score").isNumber(), eval.out());

        CliTest.Outcome none = CliTest.harness("train", config, "--eval-only", "--out", tmp.resolve("nothing").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no trained model in") && none.err().contains("train it first"), none.err());
    }

    /** The optimised sweep (batched rows, resumed at the layer) gives the naive sweep's logits. */
    @Test
    void benchForwardsOptimisedSweepAgreesWithTheNaiveOne() {
        CliTest.Outcome o = CliTest.harness("bench", "forward", "--model", Fixtures.dir("gpt2-sharp").toString(), "--device", "cpu",
                "--batch", "1", "--seq", "16", "--iters", "1", "--sweep-seq", "16");
        assertEquals(0, o.code(), o.err());
        Matcher m = Pattern.compile("max \\|logit diff\\| ([0-9.eE+-]+)").matcher(o.out());
        assertTrue(m.find(), o.out());
        double diff = Double.parseDouble(m.group(1));
        // logits of gpt2-sharp reach ~10; the two sweeps differ only by float rounding
        assertTrue(diff < 1e-4, "optimised and naive sweeps differ by " + diff);
        assertTrue(o.out().contains("tokens/s"), o.out());
    }

    @Test
    void cudaOnAMachineWithoutOneIsOneClearError() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        CliTest.Outcome o = CliTest.harness("bench", "forward", "--model", Fixtures.dir("gpt2-tiny").toString(), "--device", "cuda",
                "--iters", "1");
        assertEquals(2, o.code(), o.out());
        assertTrue(o.err().contains("cuda:0 asked for") && o.err().contains("0 CUDA device(s)") && o.err().contains("mvn -Pcuda"),
                o.err());
        assertTrue(o.out().isEmpty(), "nothing runs before the error: " + o.out());
    }

    @Test
    void compareReportsTheDifferenceOfPairedRows() throws Exception {
        Path a = run("gpt2-tiny");
        Path b = run("gpt2-sharp");
        JsonNode self = compare(a, a);
        JsonNode line = logitDiffLine(self);
        assertEquals(0.0, line.at("/bootstrap/meanDifference").asDouble(), 0.0, self.toString());
        assertEquals(0, self.get("unpaired_rows_a").asInt());

        JsonNode ab = compare(a, b);
        JsonNode l = logitDiffLine(ab);
        assertEquals(4, l.get("pairs").asInt(), "2 examples x 2 heads, one seed: " + l);
        double difference = l.get("meanA").asDouble() - l.get("meanB").asDouble();
        assertTrue(Math.abs(difference) > 1e-3, "the two models should differ: " + l);
        assertEquals(difference, l.at("/bootstrap/meanDifference").asDouble(), 1e-9 * Math.abs(difference));
        assertTrue(l.at("/bootstrap/low").asDouble() <= difference && difference <= l.at("/bootstrap/high").asDouble(), l.toString());

        CliTest.Outcome missing = CliTest.harness("compare", a.toString(), b.toString(), "--metric", "nope");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no metric 'nope'"), missing.err());
        CliTest.Outcome notARun = CliTest.harness("compare", a.toString(), tmp.toString());
        assertEquals(2, notARun.code());
        assertTrue(notARun.err().contains("no results.parquet"), notARun.err());

        // --rank: a run ranks its own two conditions perfectly
        CliTest.Outcome rank = CliTest.harness("compare", a.toString(), a.toString(), "--rank", "logit_diff", "--json");
        assertEquals(0, rank.code(), rank.err());
        JsonNode conditions = JSON.readTree(rank.out()).at("/rank/overConditions");
        assertEquals(2, conditions.get("n").asInt(), rank.out());
        assertEquals(1.0, conditions.get("spearman").asDouble(), 1e-12, rank.out());
        CliTest.Outcome oneLayer = CliTest.harness("compare", a.toString(), b.toString(), "--rank", "logit_diff", "--where", "layer=0");
        assertEquals(2, oneLayer.code());
        assertTrue(oneLayer.err().contains("fewer than two conditions"), oneLayer.err());
        // --report: each shared map three times, the third A - B cell by cell
        Path page = tmp.resolve("compare.html");
        CliTest.Outcome reported = CliTest.harness("compare", a.toString(), b.toString(), "--resamples", "50", "--report", page.toString());
        assertEquals(0, reported.code(), reported.err());
        String html = Files.readString(page);
        String title = "kl by layer x head (scale = 0.0)";
        for (String prefix : new String[] {"A: ", "B: ", "A - B: "}) {
            assertTrue(html.contains("<h3>" + prefix + title + "</h3>"), prefix + title + " missing");
        }
        List<Double> cellsA = cellValues(html, "A: " + title);
        List<Double> cellsB = cellValues(html, "B: " + title);
        List<Double> cellsDiff = cellValues(html, "A - B: " + title);
        assertEquals(cellsA.size(), cellsDiff.size());
        for (int i = 0; i < cellsDiff.size(); i++) {
            if (!cellsA.get(i).isNaN()) {
                assertEquals(cellsA.get(i) - cellsB.get(i), cellsDiff.get(i), 1e-9, "cell " + i);
            }
        }
        CliTest.Outcome rankAndMetric = CliTest.harness("compare", a.toString(), b.toString(), "--rank", "kl", "--metric", "kl");
        assertEquals(2, rankAndMetric.code());
        assertTrue(rankAndMetric.err().contains("drop --metric and --per-condition"), rankAndMetric.err());
        CliTest.Outcome whereAlone = CliTest.harness("compare", a.toString(), b.toString(), "--where", "layer=0");
        assertEquals(2, whereAlone.code());
        assertTrue(whereAlone.err().contains("--where applies to --rank only"), whereAlone.err());
    }

    /** The data-value of every cell of the figure headed {@code title}, in document order (NaN for "no value"). */
    private static List<Double> cellValues(String html, String title) {
        int start = html.indexOf("<h3>" + title + "</h3>");
        String figure = html.substring(start, html.indexOf("</figure>", start));
        List<Double> values = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<rect class=\"cell\"[^>]*data-value=\"([^\"]*)\"").matcher(figure);
        while (m.find()) {
            values.add(m.group(1).isEmpty() || m.group(1).equals("NaN") ? Double.NaN : Double.parseDouble(m.group(1)));
        }
        assertTrue(values.size() > 0, "no cells under " + title);
        return values;
    }

    private JsonNode compare(Path a, Path b) throws Exception {
        CliTest.Outcome o = CliTest.harness("compare", a.toString(), b.toString(), "--json", "--resamples", "200");
        assertEquals(0, o.code(), o.err());
        return JSON.readTree(o.out());
    }

    private static JsonNode logitDiffLine(JsonNode comparison) {
        for (JsonNode line : comparison.get("lines")) {
            if (line.get("metric").asText().equals("logit_diff")) {
                return line;
            }
        }
        throw new AssertionError("no logit_diff line: " + comparison);
    }

    /** One heads_zero run on a fixture, as HarnessRunCliTest makes them. */
    private Path run(String fixture) throws Exception {
        Path corpus = tmp.resolve("c.jsonl");
        Files.writeString(corpus, "{\"id\": \"a\", \"clean\": \"When Mary and John went to the store, John gave a drink to\","
                + " \"corrupt\": \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g1\"}\n"
                + "{\"id\": \"b\", \"clean\": \"When John and Mary went to the store, Mary gave a drink to\","
                + " \"corrupt\": \"When John and Mary went to the store, John gave a drink to\", \"target\": \" John\", \"foil\": \" Mary\", \"group\": \"g2\"}\n");
        Path root = tmp.resolve("runs-" + fixture);
        Path config = tmp.resolve(fixture + ".json");
        Files.writeString(config, "{\"name\": \"cmp\", \"model\": {\"path\": \"" + Fixtures.dir(fixture).toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + corpus
                + "\"}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 1], [1, 2]]},"
                + " \"metrics\": [\"logit_diff\", \"kl\"], \"seeds\": [0], \"output\": {\"root\": \"" + root
                + "\", \"mlflow\": false}}");
        CliTest.Outcome o = CliTest.harness("run", config.toString());
        assertEquals(0, o.code(), o.err());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }
}
