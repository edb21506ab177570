package lab.tracking;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and writes the {@code meta.yaml} files of an MLflow file store.
 *
 * <p>A real YAML library rather than string concatenation: MLflow writes these files with PyYAML,
 * which may fold long names over several lines and picks its own quoting, and an experiment name
 * containing {@code ": "} written unquoted breaks the whole store. Every string is therefore
 * written double-quoted; numbers and {@code null} stay plain, as MLflow expects.
 */
final class MetaYaml {

    static final String FILE_NAME = "meta.yaml";

    private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private MetaYaml() {
    }

    /** YAML text of {@code fields}, in the map's iteration order. */
    static String format(Map<String, ?> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (IOException e) {
            throw new TrackingException("cannot format meta.yaml fields " + fields.keySet(), e);
        }
    }

    /** Writes {@code dir/meta.yaml} atomically (temp file in {@code dir}, then rename). */
    static void write(Path dir, Map<String, ?> fields) throws IOException {
        AtomicFiles.writeBytes(dir.resolve(FILE_NAME), format(fields).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), dir);
    }

    /** The fields of {@code dir/meta.yaml}; throws if it is missing, empty or not a YAML map. */
    static Map<String, Object> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        Map<String, Object> fields = MAPPER.readValue(Files.readAllBytes(file),
                new TypeReference<Map<String, Object>>() { });
        if (fields == null) {
            throw new IOException(file + " is empty");
        }
        return fields;
    }
}
