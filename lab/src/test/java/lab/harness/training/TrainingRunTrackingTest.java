package lab.harness.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTrackingTest {

    @TempDir
    Path tmp;

    @Test
    void lossCurveBecomesStepSeriesAndClaimsBecomeMetrics() throws Exception {
        Path config = tmp.resolve("train_x.json");
        Files.writeString(config, "{\"name\": \"x\", \"seed\": 7, \"optimizer\": {\"lr\": 0.002}}");
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("loss.csv"), "step,loss,lr,grad_norm,tokens,seconds\n10,5.5,0.001,2.0,640,0.5\n20,4.25,0.002,1.5,1280,1.0\n");
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("model_card.json"), "{\"claims\": {\"facts_recall\": {\"top1\": 0.97, \"n\": 10}},"
                + " \"final_losses\": {\"facts\": 0.03}}");
        String runId = TrainingRunTracking.log(tmp.resolve("mlruns").toString(), config, run, model);
        Path mlRun;
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            mlRun = s.filter(p -> p.getFileName().toString().equals(runId)).findFirst().orElseThrow();
        }
        List<String> loss = Files.readAllLines(mlRun.resolve("metrics/train/loss"));
        assertEquals(2, loss.size());
        assertTrue(loss.get(0).endsWith(" 5.5 10") && loss.get(1).endsWith(" 4.25 20"), loss.toString());
        assertTrue(Files.readString(mlRun.resolve("metrics/claims/facts_recall/top1")).contains(" 0.97 0"));
        assertEquals("0.002", Files.readString(mlRun.resolve("params/optimizer.lr")));
        assertTrue(Files.isRegularFile(mlRun.resolve("artifacts/loss.csv")));
        assertTrue(Files.isRegularFile(mlRun.resolve("artifacts/model_model_card.json")));
        assertTrue(Files.readString(mlRun.resolve("meta.yaml")).contains("status: 3"));
    }
}
