package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a run config: parse (strict JSON), apply overrides (checked against the schema), fill in
 * defaults, validate, check that the files it names exist, and build a {@link RunConfig}. Every
 * failure is one {@link ConfigException} line naming the file (and line, or the override), the key
 * and the fix. Relative paths in the config are resolved against {@code baseDir} (the project
 * root, where the harness runs); the resolved config keeps them as written, so its hash does not
 * depend on where the checkout lives.
 */
public final class RunConfigLoader {

    private final Path baseDir;
    private final boolean checkFiles;
    private final ConfigSchema schema;

    public RunConfigLoader(Path baseDir) {
        this(baseDir, true);
    }

    private RunConfigLoader(Path baseDir, boolean checkFiles) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.checkFiles = checkFiles;
        this.schema = ConfigSchema.runConfig();
    }

    /** Relative paths against the current directory. */
    public static RunConfigLoader inWorkingDirectory() {
        return new RunConfigLoader(Path.of(""));
    }

    /** The same loader without the model/corpus/split existence checks (for listing and tests). */
    public RunConfigLoader withoutFileChecks() {
        return new RunConfigLoader(baseDir, false);
    }

    public Path baseDir() {
        return baseDir;
    }

    /** {@code harness run FILE key=value ...}: one resolved config. */
    public RunConfig load(Path file, List<String> overrides) {
        return resolve(JsonDocument.read(file), ConfigOverride.parseAll(overrides));
    }

    /**
     * {@code harness run FILE key=value ... -m key=a,b -m key2=c,d}: one resolved config per sweep
     * combination (see {@link Multirun}), all validated before any is returned.
     */
    public List<RunConfig> loadAll(Path file, List<String> overrides, List<String> sweeps) {
        JsonDocument doc = JsonDocument.read(file);
        List<ConfigOverride> fixed = ConfigOverride.parseAll(overrides);
        List<RunConfig> configs = new ArrayList<>();
        for (List<ConfigOverride> combination : Multirun.expand(sweeps)) {
            List<ConfigOverride> all = new ArrayList<>(fixed);
            all.addAll(combination);
            configs.add(resolve(doc, all));
        }
        return configs;
    }

    /** Applies the overrides to a parsed document (left unchanged) and resolves it. */
    public RunConfig resolve(JsonDocument doc, List<ConfigOverride> overrides) {
        ObjectNode tree = doc.root().deepCopy();
        List<List<Object>> overridden;
        try {
            overridden = new Overrides(schema).apply(tree, overrides);
        } catch (ConfigException e) {
            throw new ConfigException(doc.label() + ": " + e.getMessage(), e);
        }
        Locator locator = new Locator(doc, overrides, overridden);
        schema.applyDefaults(tree);
        Set<ValidationMessage> problems = schema.validate(tree);
        if (!problems.isEmpty()) {
            throw new ConfigException(new ValidationErrors(schema, tree, locator::locate).describe(problems));
        }
        return build(doc.label(), tree, overrides, locator);
    }

    private RunConfig build(String label, ObjectNode tree, List<ConfigOverride> overrides, Locator locator) {
        JsonNode m = tree.get("model");
        ModelSection model = new ModelSection(path(m.get("path").asText(), List.of("model", "path"), locator),
                m.get("device").asText(), m.get("dtype").asText(), m.get("prepend_bos").asBoolean());
        JsonNode d = tree.get("data");
        DataSection data = new DataSection(
                path(d.get("corpus").asText(), List.of("data", "corpus"), locator),
                d.has("split") ? Optional.of(path(d.get("split").asText(), List.of("data", "split"), locator)) : Optional.empty(),
                d.has("subset") ? Optional.of(d.get("subset").asText()) : Optional.empty(),
                d.has("n_examples") ? OptionalInt.of(d.get("n_examples").asInt()) : OptionalInt.empty());
        ObjectNode e = (ObjectNode) tree.get("experiment");
        ObjectNode params = e.deepCopy();
        params.remove("type");
        ExperimentSection experiment = new ExperimentSection(e.get("type").asText(), params);
        List<String> metrics = new ArrayList<>();
        tree.get("metrics").forEach(x -> metrics.add(x.asText()));
        List<Long> seeds = new ArrayList<>();
        tree.get("seeds").forEach(x -> seeds.add(x.asLong()));
        JsonNode o = tree.get("output");
        OutputSection output = new OutputSection(path(o.get("root").asText(), List.of("output", "root"), locator),
                mlflow(o.get("mlflow"), locator), o.get("patterns_examples").asInt(),
                o.get("calibration").asText().equals("conditions"));
        if (checkFiles) {
            checkFiles(model, data, locator);
        }
        RunConfig config = new RunConfig(label, baseDir, tree, overrides, model, data, experiment, metrics, seeds, output);
        config.answerSpan(); // data.span and experiment.span must agree: fail at load, before a run directory exists
        return config;
    }

    private void checkFiles(ModelSection model, DataSection data, Locator locator) {
        List<Object> modelKey = List.of("model", "path");
        if (!Files.isDirectory(model.path())) {
            throw missing(locator, modelKey, model.path(), Files.exists(model.path())
                    ? "is a file, not a directory: give the directory of an HF checkpoint (config.json, *.safetensors)"
                    : "directory not found", "fix the path or create the model");
        }
        if (!Files.isRegularFile(model.path().resolve("config.json"))) {
            throw missing(locator, modelKey, model.path(), "has no config.json",
                    "give the directory of an HF checkpoint: config.json, *.safetensors, tokenizer.json");
        }
        checkFile(locator, List.of("data", "corpus"), data.corpus());
        data.split().ifPresent(split -> checkFile(locator, List.of("data", "split"), split));
    }

    private void checkFile(Locator locator, List<Object> key, Path file) {
        if (Files.isDirectory(file)) {
            throw missing(locator, key, file, "is a directory, not a file", "give the file itself");
        }
        if (!Files.isRegularFile(file)) {
            throw missing(locator, key, file, "file not found", "fix the path or create the file");
        }
    }

    private ConfigException missing(Locator locator, List<Object> key, Path path, String what, String fix) {
        return new ConfigException(locator.locate(key) + ": " + KeyPath.format(key) + ": " + what + ": " + path
                + " (" + fix + "; relative paths are resolved against " + baseDir + ")");
    }

    private Path path(String text, List<Object> key, Locator locator) {
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(locator.locate(key) + ": " + KeyPath.format(key) + ": '" + text
                    + "' is not a valid path (" + e.getReason() + ")");
        }
    }

    private MlflowTarget mlflow(JsonNode value, Locator locator) {
        List<Object> key = List.of("output", "mlflow");
        if (value.isBoolean()) {
            return new MlflowTarget.Disabled();
        }
        String text = value.asText().strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = URI.create(text.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null) {
                throw new ConfigException(locator.locate(key) + ": output.mlflow: '" + text + "' is not a valid "
                        + "tracking URI (e.g. http://127.0.0.1:5000)");
            }
            return new MlflowTarget.Server(uri);
        }
        if (lower.startsWith("file:")) {
            try {
                return new MlflowTarget.FileStore(Path.of(URI.create(text)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(locator.locate(key) + ": output.mlflow: '" + text + "' is not a valid "
                        + "file URI (write file:///absolute/path, or just a directory path)");
            }
        }
        // a scheme of two or more letters; one letter is a Windows drive (C:\mlruns)
        if (text.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            throw new ConfigException(locator.locate(key) + ": output.mlflow: unsupported tracking URI '" + text
                    + "' (use a directory for an MLflow file store, an http(s):// server URI, or false)");
        }
        return new MlflowTarget.FileStore(path(text, key, locator));
    }

    /** Where a key came from: the override that set it, else its line in the file. */
    private record Locator(JsonDocument doc, List<ConfigOverride> overrides, List<List<Object>> overridden) {

        String locate(List<Object> key) {
            for (int i = overridden.size() - 1; i >= 0; i--) {
                List<Object> set = overridden.get(i);
                if (key.size() >= set.size() && key.subList(0, set.size()).equals(set)) {
                    return doc.label() + " (override " + overrides.get(i).text() + ")";
                }
            }
            int line = doc.lineOf(key);
            return line > 0 ? doc.label() + ":" + line : doc.label();
        }
    }
}
