package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More of the README's figures, each run as the README runs it on the shipped model (only paths and
 * the output folder overridden): layer 1's induction heads back each other up (battery_h5's
 * induction variant: zeroing L1H0 and L1H2 together costs far more than apart, interaction -7.7,
 * CI -8.6 to -6.7), and the logit lens sees the IOI answer only after the last block (logit
 * difference 0.2, -1.0, 13.7 at the scored position).
 */
class ReadmeCircuitClaimsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private List<JsonNode> summaryRows(String config, String... overrides) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "../lab/configs/" + config, "model.path=\"../data/models/toy\"",
                "data.split=\"../data/splits/ioi_v1.split.json\"", "data.corpus=\"../data/corpora/ioi_v1.jsonl\"",
                "output.root=\"" + tmp.resolve(config) + "\"", "output.mlflow=false"));
        args.addAll(List.of(overrides));
        CliTest.Outcome o = CliTest.harness(args.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve(config))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<JsonNode> rows = new ArrayList<>();
        JSON.readTree(run.resolve("summary.json").toFile()).get("rows").forEach(rows::add);
        return rows;
    }

    private static JsonNode row(List<JsonNode> rows, String metric, String... condition) {
        for (JsonNode r : rows) {
            boolean match = r.get("metric").asText().equals(metric);
            for (int i = 0; i < condition.length && match; i += 2) {
                match = r.get("condition").get(condition[i]).asText().equals(condition[i + 1]);
            }
            if (match) {
                return r;
            }
        }
        throw new AssertionError("no " + metric + " row for " + String.join(" ", condition));
    }

    @Test
    void layerOnesInductionHeadsBackEachOtherUp() throws Exception {
        List<JsonNode> rows = summaryRows("run_h5_pairs.json", "data.corpus=\"../data/corpora/induction_v1.jsonl\"",
                "data.split=\"../data/splits/induction_v1.split.json\"");
        JsonNode l1h0l1h2 = row(rows, "interaction", "layer_a", "1", "head_a", "0", "layer_b", "1", "head_b", "2");
        assertEquals(-7.7, l1h0l1h2.get("mean").asDouble(), 0.3, "README: interaction -7.7");
        assertEquals(-8.6, l1h0l1h2.get("ci_low").asDouble(), 0.3, "README: CI -8.6 to -6.7");
        assertEquals(-6.7, l1h0l1h2.get("ci_high").asDouble(), 0.3, "README: CI -8.6 to -6.7");
        JsonNode l1h2l1h3 = row(rows, "interaction", "layer_a", "1", "head_a", "2", "layer_b", "1", "head_b", "3");
        assertEquals(-4.4, l1h2l1h3.get("mean").asDouble(), 0.3, "README: L1H2 + L1H3 -4.4");
    }

    @Test
    void theLogitLensSeesTheIoiAnswerOnlyAfterTheLastBlock() throws Exception {
        List<JsonNode> rows = summaryRows("run_h8_logit_lens.json");
        double[] expected = {0.2, -1.0, 13.7};
        for (int layer = 0; layer < expected.length; layer++) {
            JsonNode r = row(rows, "logit_diff", "layer", Integer.toString(layer), "position", "-1");
            assertEquals(expected[layer], r.get("mean").asDouble(), 0.3, "logit lens at layer " + layer);
        }
        assertEquals(0.0, row(rows, "target_rank", "layer", "2", "position", "-1").get("mean").asDouble(), 0.0,
                "the target is the top token after the last block");
        assertTrue(row(rows, "target_rank", "layer", "1", "position", "-1").get("mean").asDouble() > 100,
                "README: rank 228 after block 0");
    }
}
