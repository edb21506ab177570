package lab.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigLoaderTest {

    @TempDir
    Path root;
    RunConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        ConfigFixture.populate(root);
        loader = new RunConfigLoader(root);
    }

    private String error(String json, String... overrides) throws IOException {
        Path file = ConfigFixture.write(root, "run_h1.json", json);
        return assertThrows(ConfigException.class, () -> loader.load(file, List.of(overrides))).getMessage();
    }

    private RunConfig load(String json, String... overrides) throws IOException {
        return loader.load(ConfigFixture.write(root, "run_h1.json", json), List.of(overrides));
    }

    @Test
    void exampleConfigResolvesToTypedSections() throws IOException {
        RunConfig config = load(ConfigFixture.EXAMPLE);
        assertEquals("h1_heads_zero", config.name());
        assertEquals(root.resolve("data/models/toy"), config.model().path());
        assertEquals("auto", config.model().device());
        assertTrue(config.model().prependBos());
        assertEquals(root.resolve("data/corpora/ioi_v1.jsonl"), config.data().corpus());
        assertEquals(Optional.of(root.resolve("data/splits/ioi_v1.split.json")), config.data().split());
        assertEquals(Optional.of("test"), config.data().subset());
        assertEquals(OptionalInt.of(32), config.data().nExamples());
        assertEquals("heads_zero", config.experiment().type());
        assertEquals("[0.0,0.5,1.0]", config.experiment().param("scales").toString());
        assertFalse(config.experiment().params().has("type"));
        assertEquals(List.of("logit_diff", "kl", "acc_flip_rate", "p_drop"), config.metrics());
        assertEquals(List.of(0L, 1L, 2L), config.seeds());
        assertEquals(root.resolve("runs"), config.output().root());
        assertEquals(new MlflowTarget.FileStore(root.resolve("mlruns")), config.output().mlflow());
        // the resolved config keeps paths as written, so the hash does not depend on the checkout's location
        assertEquals("data/models/toy", config.tree().path("model").path("path").asText());
    }

    @Test
    void defaultsAreFilledIntoTheResolvedConfig() throws IOException {
        RunConfig config = load("""
                {"name": "n", "model": {"path": "data/models/toy"}, "data": {"corpus": "data/corpora/ioi_v1.jsonl"},
                 "experiment": {"type": "heads_zero", "scales": [0]}, "metrics": ["kl"], "seeds": [7]}
                """);
        assertEquals("all", config.experiment().param("position").asText());
        assertEquals("auto", config.model().device());
        assertEquals("float32", config.model().dtype());
        assertTrue(config.model().prependBos());
        assertEquals(Optional.empty(), config.data().split());
        assertEquals(OptionalInt.empty(), config.data().nExamples());
        assertEquals("runs", config.tree().path("output").path("root").asText());
        assertEquals("mlruns", config.tree().path("output").path("mlflow").asText());
        // a config that spells the defaults out is the same config
        RunConfig explicit = load("""
                {"name": "n", "model": {"path": "data/models/toy", "device": "auto", "dtype": "float32",
                 "prepend_bos": true}, "data": {"corpus": "data/corpora/ioi_v1.jsonl"},
                 "experiment": {"type": "heads_zero", "scales": [0], "position": "all"}, "metrics": ["kl"],
                 "seeds": [7], "output": {"root": "runs", "mlflow": "mlruns"}}
                """);
        assertEquals(config.hash(), explicit.hash());
    }

    @Test
    void publishedExampleValidates() {
        // the build runs in lab/, where the published schema and its examples live
        RunConfig config = loader.withoutFileChecks()
                .load(Path.of("configs/schema/examples/h1_heads_zero.json"), List.of());
        assertEquals("heads_zero", config.experiment().type());
    }

    @Test
    void classpathSchemaIsThePublishedFile() throws IOException {
        for (String resource : List.of(ConfigSchema.RUN_CONFIG_RESOURCE, ConfigSchema.BATTERY_RESOURCE)) {
            String published = Files.readString(Path.of(resource.substring("lab/".length())));
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
                assertEquals(published, new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            }
        }
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        String message = error("""
                {"name": "x",
                 "seeds": [0, 1,]
                }
                """);
        assertTrue(message.startsWith(root.resolve("run_h1.json") + ":2:17: malformed JSON: "), message);
        assertTrue(message.contains("trailing commas"), message);
    }

    @Test
    void duplicateKeyIsMalformed() throws IOException {
        String message = error("{\"name\": \"a\",\n\"name\": \"b\"}");
        assertTrue(message.contains("run_h1.json:2:"), message);
        assertTrue(message.contains("Duplicate field 'name'") && message.contains("keep one of them"), message);
    }

    @Test
    void unknownKeySuggestsTheNearestOne() throws IOException {
        String message = error(ConfigFixture.EXAMPLE.replace("\"experiment\"", "\"experimen\""));
        assertEquals(root.resolve("run_h1.json") + ":5: unknown key 'experimen'; did you mean 'experiment'? "
                + "(valid keys at the top level: name, model, data, experiment, metrics, seeds, output)", message);
    }

    @Test
    void unknownParameterOfTheExperimentTypeIsCaught() throws IOException {
        String message = error(ConfigFixture.EXAMPLE.replace("\"scales\"", "\"scale\""));
        assertTrue(message.endsWith(":5: unknown key 'scale' in experiment; did you mean 'scales'? "
                + "(valid keys of experiment (type heads_zero): type, scales, heads, batch_size, position)"), message);
    }

    @Test
    void wrongTypeSaysWhatIsExpected() throws IOException {
        String message = error(ConfigFixture.EXAMPLE.replace("\"seeds\": [0, 1, 2]", "\"seeds\": \"0,1\""));
        assertTrue(message.endsWith("run_h1.json:7: seeds: must be an array, not a string \"0,1\" (e.g. [0, 1, 2])"),
                message);
    }

    @Test
    void emptyScales() throws IOException {
        String message = error(ConfigFixture.EXAMPLE.replace("[0.0, 0.5, 1.0]", "[]"));
        assertTrue(message.endsWith("run_h1.json:5: experiment.scales: must not be empty "
                + "(give at least one value, e.g. [0.0, 0.5, 1.0])"), message);
    }

    @Test
    void unknownExperimentTypeListsTheKnownOnes() throws IOException {
        String message = error(ConfigFixture.EXAMPLE.replace("\"type\": \"heads_zero\"", "\"type\": \"heads_zeros\""));
        assertTrue(message.endsWith("experiment.type: unknown experiment type 'heads_zeros'; did you mean "
                + "'heads_zero'? (known experiment types: " + String.join(", ",
                ConfigSchema.runConfig().definitionEnum("experiment_type")) + ")"), message);
        assertEquals(List.of("heads_zero", "sae_train", "sae_toggle"), ConfigSchema.runConfig().definitionEnum("experiment_type"));
    }

    @Test
    void unknownMetricAndBadValues() throws IOException {
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"kl\"", "\"KL\"")).endsWith(
                "metrics[1]: unknown metric 'KL'; did you mean 'kl'? (known metrics: logit_diff, kl, acc_flip_rate, p_drop)"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"n_examples\": 32", "\"n_examples\": 0"))
                .endsWith("data.n_examples: 0 is out of range (must be >= 1)"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"device\": \"auto\"", "\"device\": \"gpu\"")).endsWith(
                "model.device: \"gpu\" is not a valid value (e.g. \"auto\" or \"cpu\" or \"cuda:0\")"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"mlflow\": \"mlruns\"", "\"mlflow\": true")).contains(
                "output.mlflow: true is not allowed (MLflow file store directory, an http(s):// tracking URI, or false"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"split\": \"data/splits/ioi_v1.split.json\",", ""))
                .endsWith("data.subset needs data.split (add data.split or remove data.subset)"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("[0.0, 0.5, 1.0]", "[0.0], \"heads\": [[0, 1, 2]]"))
                .endsWith("experiment.heads[0]: has 3 items, at most 2 allowed (e.g. [0, 3])"));
        assertTrue(error(ConfigFixture.EXAMPLE.replace("\"name\": \"h1_heads_zero\",", ""))
                .endsWith("run_h1.json: missing key 'name' (add it, e.g. \"name\": \"h1_heads_zero\")"));
    }

    @Test
    void missingFilesNameTheKeyAndThePath() throws IOException {
        Files.delete(root.resolve("data/corpora/ioi_v1.jsonl"));
        String message = error(ConfigFixture.EXAMPLE);
        assertEquals(root.resolve("run_h1.json") + ":3: data.corpus: file not found: "
                + root.resolve("data/corpora/ioi_v1.jsonl") + " (fix the path or create the file; relative paths are "
                + "resolved against " + root + ")", message);

        ConfigFixture.populate(root);
        Files.delete(root.resolve("data/models/toy/config.json"));
        assertTrue(error(ConfigFixture.EXAMPLE).contains(":2: model.path: has no config.json: "
                + root.resolve("data/models/toy")));
        Files.delete(root.resolve("data/models/toy"));
        assertTrue(error(ConfigFixture.EXAMPLE).contains(":2: model.path: directory not found: "));

        ConfigFixture.populate(root);
        assertTrue(error(ConfigFixture.EXAMPLE, "data.split=data/splits/v2.json").contains(
                "run_h1.json (override data.split=data/splits/v2.json): data.split: file not found: "));
    }

    @Test
    void missingConfigFile() {
        String message = assertThrows(ConfigException.class,
                () -> loader.load(root.resolve("nope.json"), List.of())).getMessage();
        assertTrue(message.startsWith(root.resolve("nope.json") + ": file not found"), message);
    }

    @Test
    void overridesNestedJsonAndStringFallback() throws IOException {
        RunConfig config = load(ConfigFixture.EXAMPLE, "seeds=[4,5]", "output.mlflow=false",
                "experiment.scales=[0.25]", "data.n_examples=8", "name=quick run", "model.device=cpu",
                "experiment.heads=[[0,1],[1,0]]", "model.prepend_bos=false", "seeds.1=9");
        assertEquals(List.of(4L, 9L), config.seeds());
        assertInstanceOf(MlflowTarget.Disabled.class, config.output().mlflow());
        assertEquals(Optional.empty(), config.output().mlflow().trackingTarget());
        assertEquals("[0.25]", config.experiment().param("scales").toString());
        assertEquals(OptionalInt.of(8), config.data().nExamples());
        assertEquals("quick run", config.name());
        assertEquals("cpu", config.model().device());
        assertFalse(config.model().prependBos());
        assertEquals("[[0,1],[1,0]]", config.experiment().param("heads").toString());
        assertEquals(9, config.overrides().size());
    }

    @Test
    void overrideCreatesIntermediateObjectsTheSchemaHas() throws IOException {
        String noOutput = ConfigFixture.EXAMPLE.replace(",\n \"output\": {\"root\": \"runs\", \"mlflow\": \"mlruns\"}", "");
        RunConfig config = load(noOutput, "output.mlflow=http://127.0.0.1:5000/");
        assertEquals(new MlflowTarget.Server(URI.create("http://127.0.0.1:5000")), config.output().mlflow());
        assertEquals("runs", config.tree().path("output").path("root").asText());
    }

    @Test
    void overrideOfAnUnknownKeyListsTheKeysNearIt() throws IOException {
        assertTrue(error(ConfigFixture.EXAMPLE, "experiment.scalez=[1]").endsWith(
                "run_h1.json: override 'experiment.scalez=[1]': unknown key 'experiment.scalez'; did you mean "
                        + "'experiment.scales'? (valid keys of experiment: type, scales, heads, batch_size, position)"));
        assertTrue(error(ConfigFixture.EXAMPLE, "sed=[1]").endsWith("unknown key 'sed'; did you mean 'seeds'? "
                + "(valid keys at the top level: name, model, data, experiment, metrics, seeds, output)"));
        assertTrue(error(ConfigFixture.EXAMPLE, "name.first=x").contains(
                "override 'name.first=x': name is a string, so it has no key 'first'"));
        assertTrue(error(ConfigFixture.EXAMPLE, "seeds.5=1").contains("seeds has 3 element(s), so index 5 does not exist"));
        assertTrue(error(ConfigFixture.EXAMPLE, "seeds").contains("expected key.path=value"));
        // the override's value is still validated, and the message names the override
        assertTrue(error(ConfigFixture.EXAMPLE, "experiment.scales=[]").endsWith("run_h1.json (override "
                + "experiment.scales=[]): experiment.scales: must not be empty (give at least one value, e.g. [0.0, 0.5, 1.0])"));
        assertTrue(error(ConfigFixture.EXAMPLE, "data.n_examples=many").contains(
                "(override data.n_examples=many): data.n_examples: must be an integer, not a string \"many\""));
    }

    @Test
    void mlflowTargets() throws IOException {
        assertEquals(new MlflowTarget.FileStore(Path.of("/abs/mlruns")),
                load(ConfigFixture.EXAMPLE, "output.mlflow=file:///abs/mlruns").output().mlflow());
        assertEquals(Optional.of("https://mlflow.example.org/prefix"),
                load(ConfigFixture.EXAMPLE, "output.mlflow=https://mlflow.example.org/prefix").output().mlflow().trackingTarget());
        assertTrue(error(ConfigFixture.EXAMPLE, "output.mlflow=databricks://x").contains(
                "output.mlflow: unsupported tracking URI 'databricks://x'"));
    }

    @Test
    void multirunLoadsEveryCombination() throws IOException {
        Path file = ConfigFixture.write(root, "run_h1.json", ConfigFixture.EXAMPLE);
        List<RunConfig> configs = loader.loadAll(file, List.of("data.n_examples=4"),
                List.of("experiment.scales=[0.0],[0.5,1.0]", "seeds=[0],[1]"));
        assertEquals(4, configs.size());
        assertEquals("[0.0]", configs.get(0).experiment().param("scales").toString());
        assertEquals(List.of(0L), configs.get(0).seeds());
        assertEquals(List.of(1L), configs.get(1).seeds());
        assertEquals("[0.5,1.0]", configs.get(3).experiment().param("scales").toString());
        assertTrue(configs.stream().allMatch(c -> c.data().nExamples().getAsInt() == 4));
        assertEquals(4, configs.stream().map(RunConfig::hash).distinct().count());
    }

    @Test
    void configJsonRoundTripsToTheSameHash() throws IOException {
        RunConfig config = load(ConfigFixture.EXAMPLE, "experiment.scales=[1e-1, 2.50]");
        Path written = root.resolve("run/config.json");
        config.writeTo(written);
        RunConfig again = loader.load(written, List.of());
        assertEquals(config.hash(), again.hash());
        assertEquals(config.hash(), CanonicalJson.sha256(JsonDocument.read(written).root()));
    }
}
