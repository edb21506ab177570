package lab.viz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The leaderboard as JSON for other programs:
 * <pre>
 * {"metric": "...", "direction": "ascending|descending", "pareto_front": ["run", ...],
 *  "runs": [{"rank": 1, "run": "...", "value": 0.9, "pareto": true, "wall_time_s": 12.5,
 *            "metrics": {...}, "params": {...}}, ...],
 *  "unranked": [{"run": "...", "wall_time_s": ..., "metrics": {...}, "params": {...}}]}
 * </pre>
 * NaN metric values are written as null, since JSON has no NaN.
 */
public final class LeaderboardJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LeaderboardJson() {
    }

    public static String render(Leaderboard board) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("metric", board.metric());
        root.put("direction", board.direction().lowerCaseName());
        ArrayNode front = root.putArray("pareto_front");
        board.paretoFront().forEach(e -> front.add(e.run().runName()));
        ArrayNode runs = root.putArray("runs");
        for (LeaderboardEntry e : board.entries()) {
            ObjectNode node = runs.addObject();
            node.put("rank", e.rank());
            node.put("run", e.run().runName());
            node.put("value", e.metricValue());
            node.put("pareto", e.paretoOptimal());
            describe(node, e.run());
        }
        ArrayNode unranked = root.putArray("unranked");
        for (RunSummary run : board.unranked()) {
            ObjectNode node = unranked.addObject();
            node.put("run", run.runName());
            describe(node, run);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void describe(ObjectNode node, RunSummary run) {
        node.put("wall_time_s", run.wallTimeSeconds());
        ObjectNode metrics = node.putObject("metrics");
        run.metrics().forEach((k, v) -> {
            if (v.isNaN()) {
                metrics.putNull(k);
            } else {
                metrics.put(k, v);
            }
        });
        ObjectNode params = node.putObject("params");
        run.params().forEach(params::put);
    }
}
