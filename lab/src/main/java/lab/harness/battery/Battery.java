package lab.harness.battery;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.harness.config.ConfigException;
import lab.harness.config.ConfigOverride;
import lab.harness.config.ConfigSchema;
import lab.harness.config.JsonDocument;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;

/**
 * A battery file ({@code battery.schema.json}) expanded into its runs, every one resolved and
 * validated before anything runs.
 *
 * <p>Expansion rule: runs = variants x grid points. Variants keep file order; grid points are
 * the cartesian product of the grid's lists, the first key varying slowest. No {@code variants}
 * means one implicit variant named {@code base} with no overrides; no {@code grid} means one
 * point. Each run applies its variant's overrides, then its grid values (the grid wins on a key
 * both set), then {@code name=<battery>/<variant>[/<grid values>]}, where the grid values read
 * {@code key=value,key=value} with the key's last segment (the whole key if two last segments
 * clash) and the value as compact JSON, strings unquoted: {@code h1_sweep/zero/n_examples=16}.
 *
 * <p>{@code base} is a run config file, relative to the battery file's folder, or an inline object
 * (its errors then point at lines of the battery file).
 */
public final class Battery {

    public static final String DEFAULT_VARIANT = "base";

    private final String name;
    private final Path file;
    private final List<BatteryRun> runs;

    private Battery(String name, Path file, List<BatteryRun> runs) {
        this.name = name;
        this.file = file;
        this.runs = List.copyOf(runs);
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    /** Every run, in expansion order. */
    public List<BatteryRun> runs() {
        return runs;
    }

    /** Reads, expands and resolves a battery file; relative paths in run configs go through {@code loader}. */
    public static Battery load(Path file, RunConfigLoader loader) {
        JsonDocument doc = JsonDocument.read(file);
        ConfigSchema.battery().requireValid(doc);
        JsonNode root = doc.root();
        String battery = root.get("name").asText();

        JsonNode base = root.get("base");
        JsonDocument baseDoc;
        if (base.isTextual()) {
            Path baseFile = resolveBase(file, base.asText());
            if (!java.nio.file.Files.isRegularFile(baseFile)) {
                throw new ConfigException(doc.label() + ":" + doc.lineOf(List.of("base")) + ": base: file not found: "
                        + baseFile + " (a relative base is resolved against the battery file's folder)");
            }
            baseDoc = JsonDocument.read(baseFile);
        } else {
            baseDoc = doc.child("base", doc.label() + " (inline base)");
        }

        List<Variant> variants = variants(doc);
        List<Map<String, JsonNode>> points = gridPoints(root.path("grid"));
        Map<String, String> shortKeys = shortKeys(root.path("grid"));

        List<BatteryRun> runs = new ArrayList<>();
        for (Variant variant : variants) {
            for (Map<String, JsonNode> point : points) {
                String runName = runName(battery, variant.name(), point, shortKeys);
                List<ConfigOverride> overrides = new ArrayList<>(variant.overrides());
                point.forEach((key, value) -> overrides.add(ConfigOverride.of(key, value)));
                overrides.add(ConfigOverride.of("name", com.fasterxml.jackson.databind.node.TextNode.valueOf(runName)));
                RunConfig config;
                try {
                    config = loader.resolve(baseDoc, overrides);
                } catch (ConfigException e) {
                    throw new ConfigException(doc.label() + ": run " + runName + ": " + e.getMessage(), e);
                }
                runs.add(new BatteryRun(runName, variant.name(), point, config));
            }
        }
        return new Battery(battery, file, runs);
    }

    private static Path resolveBase(Path batteryFile, String base) {
        Path folder = batteryFile.getParent();
        return folder == null ? Path.of(base) : folder.resolve(base).normalize();
    }

    private record Variant(String name, List<ConfigOverride> overrides) {
    }

    private static List<Variant> variants(JsonDocument doc) {
        JsonNode list = doc.root().path("variants");
        if (list.isMissingNode()) {
            return List.of(new Variant(DEFAULT_VARIANT, List.of()));
        }
        List<Variant> variants = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String name = v.get("name").asText();
            if (!seen.add(name)) {
                throw new ConfigException(doc.label() + ":" + doc.lineOf(List.of("variants", i)) + ": variants[" + i
                        + "].name: '" + name + "' is already the name of another variant (give each a different name)");
            }
            List<ConfigOverride> overrides = new ArrayList<>();
            v.path("overrides").fields().forEachRemaining(e -> overrides.add(ConfigOverride.of(e.getKey(), e.getValue())));
            variants.add(new Variant(name, overrides));
        }
        return variants;
    }

    /** Cartesian product of the grid's lists, first key slowest; one empty point without a grid. */
    static List<Map<String, JsonNode>> gridPoints(JsonNode grid) {
        List<Map<String, JsonNode>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (var it = grid.fields(); it.hasNext(); ) {
            var axis = it.next();
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> point : points) {
                for (JsonNode value : axis.getValue()) {
                    Map<String, JsonNode> extended = new LinkedHashMap<>(point);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points;
    }

    private static Map<String, String> shortKeys(JsonNode grid) {
        Map<String, String> shortKeys = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        grid.fieldNames().forEachRemaining(k -> counts.merge(last(k), 1, Integer::sum));
        grid.fieldNames().forEachRemaining(k -> shortKeys.put(k, counts.get(last(k)) == 1 ? last(k) : k));
        return shortKeys;
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    static String runName(String battery, String variant, Map<String, JsonNode> point, Map<String, String> shortKeys) {
        StringBuilder name = new StringBuilder(battery).append('/').append(variant);
        if (!point.isEmpty()) {
            List<String> parts = new ArrayList<>();
            point.forEach((key, value) -> parts.add(shortKeys.get(key) + "=" + (value.isTextual() ? value.asText() : value.toString())));
            name.append('/').append(String.join(",", parts));
        }
        return name.toString();
    }
}
