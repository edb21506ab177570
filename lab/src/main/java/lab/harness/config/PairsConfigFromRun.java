package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import lab.experiments.heads.HeadsPairZero;
import lab.experiments.heads.TopHeads;
import lab.harness.rundir.FinishedRunReader;

/**
 * A heads_pair_zero config from a finished heads_zero run: every pair among its top_k heads
 * ({@link TopHeads}), written out as an explicit pair list so that the new config says exactly
 * what it runs and does not change when the source run's directory does. Model, data, metrics,
 * seeds, output and the ablation settings are the source run's.
 */
public final class PairsConfigFromRun {

    /** The config and the heads it pairs, strongest first. */
    public record Result(ObjectNode config, List<TopHeads.RankedHead> heads) {
    }

    private static final List<String> CARRIED_PARAMS = List.of("ablation", "reference", "mean_over", "batch_size");

    private PairsConfigFromRun() {
    }

    public static Result build(Path runDir, int topK, String metric) {
        List<TopHeads.RankedHead> top = TopHeads.select(FinishedRunReader.read(runDir), metric, topK);
        JsonNode source;
        try {
            source = JsonDocument.MAPPER.readTree(Files.readString(runDir.resolve("config.json")));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + runDir.resolve("config.json") + ": " + e.getMessage(), e);
        }
        ObjectNode config = JsonDocument.MAPPER.createObjectNode();
        config.put("name", source.path("name").asText() + "_pairs_top" + topK);
        copy(source, config, "model", "data");
        ObjectNode experiment = config.putObject("experiment");
        experiment.put("type", HeadsPairZero.TYPE);
        ArrayNode pairs = experiment.putArray("pairs");
        for (int[] p : TopHeads.pairsAmong(top)) {
            ArrayNode pair = pairs.addArray();
            for (int v : p) {
                pair.add(v);
            }
        }
        for (String param : CARRIED_PARAMS) {
            if (source.path("experiment").has(param)) {
                experiment.set(param, source.path("experiment").get(param).deepCopy());
            }
        }
        copy(source, config, "metrics", "seeds", "output");
        Set<ValidationMessage> problems = ConfigSchema.runConfig().validate(config);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the config made from " + runDir + " does not validate: " + problems);
        }
        return new Result(config, top);
    }

    private static void copy(JsonNode from, ObjectNode to, String... sections) {
        for (String section : sections) {
            if (from.has(section)) {
                to.set(section, from.get(section).deepCopy());
            }
        }
    }
}
