package lab.harness.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lab.experiments.AnswerSpan;
import lab.io.AtomicFiles;

/**
 * A resolved run config: the file with overrides applied and defaults filled in, validated against
 * {@code run-config.schema.json}, its files checked. {@link #tree()} is what goes into the run's
 * {@code config.json}; {@link #hash()} is the SHA-256 of its canonical form.
 */
public final class RunConfig {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String source;
    private final Path baseDir;
    private final ObjectNode tree;
    private final List<ConfigOverride> overrides;
    private final ModelSection model;
    private final DataSection data;
    private final ExperimentSection experiment;
    private final List<String> metrics;
    private final List<Long> seeds;
    private final OutputSection output;
    private final String hash;

    RunConfig(String source, Path baseDir, ObjectNode tree, List<ConfigOverride> overrides, ModelSection model,
              DataSection data, ExperimentSection experiment, List<String> metrics, List<Long> seeds,
              OutputSection output) {
        this.source = source;
        this.baseDir = baseDir;
        this.tree = tree.deepCopy();
        this.overrides = List.copyOf(overrides);
        this.model = model;
        this.data = data;
        this.experiment = experiment;
        this.metrics = List.copyOf(metrics);
        this.seeds = List.copyOf(seeds);
        this.output = output;
        this.hash = CanonicalJson.sha256(tree);
    }

    /**
     * How answers are read: {@code span} of the experiment or of the data section (the default,
     * single, when neither names it). Both naming different spans is an error.
     */
    public AnswerSpan answerSpan() {
        String fromData = tree.path("data").path("span").asText(null);
        String fromExperiment = tree.path("experiment").path("span").asText(null);
        if (fromData != null && fromExperiment != null && !fromData.equals(fromExperiment)) {
            throw new ConfigException(source + ": data.span is \"" + fromData + "\" but experiment.span is \""
                    + fromExperiment + "\"; give span in one place");
        }
        return AnswerSpan.parse(fromExperiment != null ? fromExperiment : fromData);
    }

    /** How the config was named when loaded (the file path as given, or a battery's label). */
    public String source() {
        return source;
    }

    /** The directory relative paths in the config were resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    /** A copy of the resolved config (overrides applied, defaults filled in). */
    public ObjectNode tree() {
        return tree.deepCopy();
    }

    /** The overrides that were applied, in order (command line, then sweep values). */
    public List<ConfigOverride> overrides() {
        return overrides;
    }

    public String name() {
        return tree.path("name").asText();
    }

    public ModelSection model() {
        return model;
    }

    public DataSection data() {
        return data;
    }

    public ExperimentSection experiment() {
        return experiment;
    }

    public List<String> metrics() {
        return metrics;
    }

    public List<Long> seeds() {
        return seeds;
    }

    public OutputSection output() {
        return output;
    }

    /** SHA-256 (hex) of the canonical resolved config: key order and number spelling do not matter. */
    public String hash() {
        return hash;
    }

    /** First 8 hex digits of {@link #hash()}. */
    public String shortHash() {
        return CanonicalJson.shortHash(hash);
    }

    /** The resolved config as indented JSON, in the file's key order. */
    public String toPrettyJson() {
        try {
            return PRETTY.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toPrettyJson()} to {@code file} atomically (the run's {@code config.json}). */
    public void writeTo(Path file) throws IOException {
        AtomicFiles.writeString(file, toPrettyJson());
    }

    @Override
    public String toString() {
        return "RunConfig[" + name() + " " + shortHash() + " from " + source + "]";
    }
}
