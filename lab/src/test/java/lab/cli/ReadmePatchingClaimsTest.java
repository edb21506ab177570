package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's activation-patching claims, run as a user runs them:
 * {@code harness run lab/configs/run_h6_asymmetry.json} (head_out, both directions, IOI test split,
 * 3 seeds) on the shipped model. Patching head 1.1 restores the answer in the corrupt run and
 * breaks it in the clean run (patch_score about 1 both ways); head 0.1 moves about 0.03, every
 * other head at most 0.006; and every head is as sufficient as it is necessary (|asymmetry| at
 * most 0.005). Only paths and the output folder are overridden.
 */
class ReadmePatchingClaimsTest {

    @TempDir
    Path tmp;

    @Test
    void head11CarriesTheIoiAnswerBothWaysAndNoOtherHeadDoes() throws Exception {
        CliTest.Outcome o = CliTest.harness("run", "../lab/configs/run_h6_asymmetry.json",
                "model.path=\"../data/models/toy\"", "data.corpus=\"../data/corpora/ioi_v1.jsonl\"",
                "data.split=\"../data/splits/ioi_v1.split.json\"", "output.root=\"" + tmp.resolve("runs") + "\"",
                "output.mlflow=false");
        assertEquals(0, o.code(), o.err());
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Map<String, Double> score = new HashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(run.resolve("summary.json").toFile()).get("rows")) {
            if (row.get("metric").asText().equals("patch_score")) {
                JsonNode c = row.get("condition");
                score.put(c.get("direction").asText() + " " + c.get("layer").asInt() + "." + c.get("head").asInt(),
                        row.get("mean").asDouble());
            }
        }
        assertEquals(3 * 8, score.size(), score.keySet().toString());
        for (String direction : new String[] {"clean_to_corrupt", "corrupt_to_clean"}) {
            assertEquals(1.0, score.get(direction + " 1.1"), 0.01, direction + ": head 1.1 carries the answer");
            assertEquals(0.027, score.get(direction + " 0.1"), 0.01, direction + ": head 0.1 (README: 0.028 / 0.025)");
            for (int layer = 0; layer < 2; layer++) {
                for (int head = 0; head < 4; head++) {
                    String h = layer + "." + head;
                    if (!h.equals("1.1") && !h.equals("0.1")) {
                        assertTrue(Math.abs(score.get(direction + " " + h)) <= 0.01, direction + " " + h + ": "
                                + score.get(direction + " " + h));
                    }
                }
            }
        }
        score.entrySet().stream().filter(e -> e.getKey().startsWith("asymmetry"))
                .forEach(e -> assertTrue(Math.abs(e.getValue()) <= 0.01, e.getKey() + ": " + e.getValue()));
    }
}
