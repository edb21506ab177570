package lab.harness.leaderboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.viz.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordsTest {

    @TempDir
    Path root;

    private void run(String name, String status, String end, double... means) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("status.json"), "{\"status\": \"" + status + "\", \"started_at\": \"2026-01-01T00:00:00Z\","
                + " \"ended_at\": \"" + end + "\"}");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < means.length; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"condition\": {\"layer\": ").append(i).append("}, \"metric\": \"kl\", \"mean\": ")
                    .append(means[i]).append("}");
        }
        rows.append(",{\"condition\": {\"layer\": 9}, \"metric\": \"kl\", \"mean\": null}");
        Files.writeString(dir.resolve("summary.json"), "{\"rows\": [" + rows + "]}");
        Files.writeString(dir.resolve("config.json"), "{\"experiment\": {\"type\": \"heads_zero\"}, \"seeds\": [0, 1]}");
    }

    @Test
    void finishedRunsScoreTheMeanOverConditionsAndTheirWallTime() throws Exception {
        run("a", "FINISHED", "2026-01-01T00:01:30Z", 1.0, 2.0, 6.0);
        run("b", "FAILED", "2026-01-01T00:00:10Z", 5.0);
        run("c", "FINISHED", "2026-01-01T00:00:02.500Z", 0.5);
        List<RunSummary> runs = RunRecords.scan(root);
        assertEquals(2, runs.size());
        assertEquals("a", runs.get(0).runName());
        assertEquals(3.0, runs.get(0).metrics().get("kl"), 1e-12);
        assertEquals(90.0, runs.get(0).wallTimeSeconds(), 1e-9);
        assertEquals(2.5, runs.get(1).wallTimeSeconds(), 1e-9);
        assertEquals("heads_zero", runs.get(1).params().get("experiment"));
        assertThrows(IllegalArgumentException.class, () -> RunRecords.scan(root.resolve("missing")));
    }
}
