package lab.harness.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.tracking.ConfigParams;
import lab.tracking.MetricPoint;
import lab.tracking.MlflowNames;
import lab.tracking.RunSpec;
import lab.tracking.RunStatus;
import lab.tracking.RunTracker;
import lab.tracking.RunTrackers;

/**
 * Logs a finished training run to MLflow from the files it left, so training itself knows nothing
 * of MLflow: the training config as params, loss.csv as step series (loss, lr, grad_norm), the
 * model card's numeric claims and final losses as metrics, and the loss curve and card as artifacts.
 */
public final class TrainingRunTracking {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingRunTracking() {
    }

    /** @return the MLflow run id */
    public static String log(String target, Path configFile, Path runDir, Path modelDir) throws IOException {
        JsonNode config = JSON.readTree(configFile.toFile());
        String name = config.path("name").asText(configFile.getFileName().toString().replaceAll("\\.json$", ""));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("lab.kind", "training");
        tags.put("lab.model_dir", modelDir.toString());
        try (RunTracker tracker = RunTrackers.start(target, RunSpec.of("train_" + name, runDir.getFileName().toString()).withTags(tags))) {
            tracker.logParams(ConfigParams.flatten(config));
            List<MetricPoint> points = new ArrayList<>(lossSeries(runDir.resolve("loss.csv")));
            Path card = modelDir.resolve("model_card.json");
            if (Files.isRegularFile(card)) {
                JsonNode c = JSON.readTree(card.toFile());
                numbers("claims", c.path("claims"), points);
                numbers("final_losses", c.path("final_losses"), points);
            }
            tracker.logMetrics(points);
            Path artifacts = Files.createTempDirectory("lab-train-artifacts");
            try {
                for (Path f : new Path[] {runDir.resolve("loss.csv"), runDir.resolve("loss.png"), card, modelDir.resolve("README.md"),
                        modelDir.resolve("config.json")}) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, artifacts.resolve(f.getParent().equals(modelDir) ? "model_" + f.getFileName() : f.getFileName().toString()));
                    }
                }
                tracker.logArtifacts(artifacts);
            } finally {
                try (var files = Files.list(artifacts)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(artifacts);
            }
            tracker.finish(RunStatus.FINISHED);
            return tracker.runId();
        }
    }

    static List<MetricPoint> lossSeries(Path csv) throws IOException {
        List<MetricPoint> points = new ArrayList<>();
        if (!Files.isRegularFile(csv)) {
            return points;
        }
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        long now = System.currentTimeMillis();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            long step = Long.parseLong(f[0]);
            for (int i = 1; i < f.length && i < header.length; i++) {
                if (List.of("loss", "lr", "grad_norm").contains(header[i])) {
                    points.add(new MetricPoint("train/" + header[i], Double.parseDouble(f[i]), step, now));
                }
            }
        }
        return points;
    }

    private static void numbers(String prefix, JsonNode node, List<MetricPoint> out) {
        if (node.isNumber()) {
            out.add(MetricPoint.of(MlflowNames.sanitizeKey(prefix), node.asDouble(), 0));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                numbers(prefix + "/" + e.getKey(), e.getValue(), out);
            }
        }
    }
}
