package lab.harness.battery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.harness.config.ConfigException;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunDirectories;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatteryTest {

    static final String RUN = """
            {"name": "h1", "model": {"path": "model"}, "data": {"corpus": "corpus.jsonl"},
             "experiment": {"type": "heads_zero", "scales": [0.0, 0.5, 1.0]},
             "metrics": ["logit_diff", "kl"], "seeds": [0, 1], "output": {"root": "runs", "mlflow": false}}
            """;

    static final String BATTERY = """
            {"name": "h1_sweep",
             "base": "run.json",
             "variants": [
               {"name": "zero", "overrides": {"experiment.scales": [0.0]}},
               {"name": "half", "overrides": {"experiment.scales": [0.5], "data.n_examples": 99}}
             ],
             "grid": {"data.n_examples": [16, 32], "seeds": [[0], [1, 2]]}}
            """;

    @TempDir
    Path root;
    RunConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(root.resolve("model"));
        Files.writeString(root.resolve("model/config.json"), "{}");
        Files.writeString(root.resolve("corpus.jsonl"), "{}\n");
        Files.createDirectories(root.resolve("configs"));
        Files.writeString(root.resolve("configs/run.json"), RUN);
        loader = new RunConfigLoader(root);
    }

    private Battery battery(String json) throws IOException {
        Path file = root.resolve("configs/battery.json");
        Files.writeString(file, json);
        return Battery.load(file, loader);
    }

    private String error(String json) {
        return assertThrows(ConfigException.class, () -> battery(json)).getMessage();
    }

    @Test
    void variantsTimesGridInOrderWithNames() throws IOException {
        Battery b = battery(BATTERY);
        List<String> names = b.runs().stream().map(BatteryRun::name).toList();
        assertEquals(List.of(
                "h1_sweep/zero/n_examples=16,seeds=[0]", "h1_sweep/zero/n_examples=16,seeds=[1,2]",
                "h1_sweep/zero/n_examples=32,seeds=[0]", "h1_sweep/zero/n_examples=32,seeds=[1,2]",
                "h1_sweep/half/n_examples=16,seeds=[0]", "h1_sweep/half/n_examples=16,seeds=[1,2]",
                "h1_sweep/half/n_examples=32,seeds=[0]", "h1_sweep/half/n_examples=32,seeds=[1,2]"), names);
        RunConfig last = b.runs().get(7).config();
        assertEquals("h1_sweep/half/n_examples=32,seeds=[1,2]", last.name());
        assertEquals("[0.5]", last.experiment().param("scales").toString());
        // the grid is applied after the variant: 32, not the variant's 99
        assertEquals(32, last.data().nExamples().getAsInt());
        assertEquals(List.of(1L, 2L), last.seeds());
        assertEquals(8, b.runs().stream().map(r -> r.config().hash()).distinct().count());
        assertEquals("half", b.runs().get(7).variant());
    }

    @Test
    void noVariantsNoGridIsOneRunOfTheBase() throws IOException {
        Battery b = battery("{\"name\": \"solo\", \"base\": \"run.json\"}");
        assertEquals(1, b.runs().size());
        assertEquals("solo/base", b.runs().get(0).name());
        assertEquals("[0.0,0.5,1.0]", b.runs().get(0).config().experiment().param("scales").toString());
    }

    @Test
    void publishedExampleBatteryExpands() {
        Battery b = Battery.load(Path.of("configs/schema/examples/h1_battery.json"), loader.withoutFileChecks());
        assertEquals(List.of("h1_sweep/zero/n_examples=16", "h1_sweep/zero/n_examples=32",
                "h1_sweep/half/n_examples=16", "h1_sweep/half/n_examples=32"),
                b.runs().stream().map(BatteryRun::name).toList());
    }

    @Test
    void errorsNameTheBatteryTheRunAndTheLine() {
        assertTrue(error(BATTERY.replace("\"grid\"", "\"gird\"")).endsWith(
                "battery.json:7: unknown key 'gird'; did you mean 'grid'? (valid keys at the top level: name, "
                        + "description, base, variants, grid)"));
        String bad = error(BATTERY.replace("\"experiment.scales\": [0.0]", "\"experiment.scales\": []"));
        assertTrue(bad.contains("battery.json: run h1_sweep/zero/n_examples=16,seeds=[0]: "), bad);
        assertTrue(bad.endsWith("run.json (override experiment.scales=[]): experiment.scales: must not be empty "
                + "(give at least one value, e.g. [0.0, 0.5, 1.0])"), bad);
        String inline = error("{\"name\": \"b\",\n \"base\": {\"name\": \"x\",\n  \"model\": {\"path\": \"model\"},\n"
                + "  \"data\": {\"corpus\": \"corpus.jsonl\"}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0]},\n"
                + "  \"metrics\": [\"kl\"], \"seeds\": [-1]}}");
        assertTrue(inline.endsWith("battery.json (inline base):5: seeds[0]: -1 is out of range (must be >= 0)"), inline);
        assertTrue(error(BATTERY.replace("\"run.json\"", "\"configs/run.json\"")).endsWith("battery.json:2: base: "
                + "file not found: " + root.resolve("configs/configs/run.json") + " (a relative base is resolved against "
                + "the battery file's folder)"));
        assertTrue(error(BATTERY.replace("\"half\", \"overrides\"", "\"zero\", \"overrides\"")).contains(
                "variants[1].name: 'zero' is already the name of another variant"));
        assertTrue(error(BATTERY.replace("\"experiment.scales\": [0.0]", "\"experiment.scale\": [0.0]")).contains(
                "unknown key 'experiment.scale'; did you mean 'experiment.scales'?"));
    }

    /** A fake finished (or other) run directory of {@code config}, as the orchestrator leaves one. */
    private Path fakeRun(RunConfig config, RunState end) throws IOException {
        Path dir = RunDirectories.create(config.output().root(), config.name(), config.shortHash(), Clock.systemUTC());
        config.writeTo(dir.resolve("config.json"));
        RunStatusFile status = RunStatusFile.start(dir, config.hash(), config.name());
        switch (end) {
            case FINISHED -> status.finished();
            case FAILED -> status.failed(new IllegalStateException("boom"));
            case KILLED -> status.killed();
            default -> { }
        }
        return dir;
    }

    @Test
    void skipExistingFilterMaxRunsAndDryRun() throws IOException {
        Battery b = battery(BATTERY);
        Path done = fakeRun(b.runs().get(0).config(), RunState.FINISHED);
        fakeRun(b.runs().get(1).config(), RunState.FAILED);          // failed before: runs again
        Path edited = fakeRun(b.runs().get(2).config(), RunState.FINISHED);
        Files.writeString(edited.resolve("config.json"),
                Files.readString(edited.resolve("config.json")).replace("\"runs\"", "\"elsewhere\""));

        List<PlannedRun> plan = BatteryRunner.plan(b, BatteryOptions.all().withSkipExisting(true)
                .withFilter("/zero/").withMaxRuns(2));
        assertEquals(4, plan.size());
        assertEquals(List.of(PlannedRun.Action.SKIP_EXISTING, PlannedRun.Action.RUN, PlannedRun.Action.RUN,
                PlannedRun.Action.OVER_MAX_RUNS), plan.stream().map(PlannedRun::action).toList());
        assertEquals(Optional.of(done), plan.get(0).finishedRun());
        assertEquals(Optional.empty(), plan.get(2).finishedRun());
        assertTrue(plan.get(0).describe().startsWith("h1_sweep/zero/n_examples=16,seeds=[0]  "
                + b.runs().get(0).config().shortHash() + "  finished (" + done.getFileName() + ")  would skip"));

        List<String> launched = new ArrayList<>();
        List<String> log = new ArrayList<>();
        BatterySummary dry = new BatteryRunner(r -> {
            launched.add(r.name());
            return RunState.FINISHED;
        }, log::add).run(b, BatteryOptions.all().withSkipExisting(true).withDryRun(true));
        assertEquals(List.of(), launched);
        assertEquals(8, log.size());
        assertTrue(log.get(0).endsWith("would skip") && log.get(1).endsWith("not finished  would run"), log.toString());
        assertEquals(0, dry.ran());

        // without --skip-existing the finished run is run again
        assertEquals(PlannedRun.Action.RUN, BatteryRunner.plan(b, BatteryOptions.all()).get(0).action());
    }

    @Test
    void failedRunsAreRecordedAndTheBatteryGoesOn() throws IOException {
        Battery b = battery(BATTERY);
        List<String> launched = new ArrayList<>();
        BatterySummary summary = new BatteryRunner(run -> {
            launched.add(run.name());
            if (run.name().endsWith("16,seeds=[0]")) {
                throw new IllegalStateException("out of memory\nstack...");
            }
            return run.variant().equals("half") ? RunState.FAILED : RunState.FINISHED;
        }, s -> { }).run(b, BatteryOptions.all());
        assertEquals(8, launched.size());
        assertEquals(8, summary.ran());
        assertEquals(3, summary.finished());
        assertEquals(5, summary.failed());
        assertEquals(Optional.of("out of memory"), summary.outcomes().get(0).error());
        assertEquals("battery h1_sweep: 8 of 8 runs selected; ran 8 (3 finished, 5 failed, 0 killed), skipped 0 "
                + "already finished, 0 not run", summary.describe());
    }

    @Test
    void killedRunStopsTheBattery() throws IOException {
        Battery b = battery(BATTERY);
        List<String> launched = new ArrayList<>();
        BatterySummary summary = new BatteryRunner(run -> {
            launched.add(run.name());
            return launched.size() == 3 ? RunState.KILLED : RunState.FINISHED;
        }, s -> { }).run(b, BatteryOptions.all());
        assertEquals(3, launched.size());
        assertEquals(2, summary.finished());
        assertEquals(1, summary.killed());
        assertEquals(5, summary.notRun());
    }

    @Test
    void badFilterAndMaxRuns() {
        assertTrue(assertThrows(ConfigException.class, () -> BatteryOptions.all().withFilter("(")).getMessage()
                .startsWith("--filter '(': not a valid regular expression"));
        assertThrows(ConfigException.class, () -> BatteryOptions.all().withMaxRuns(-1));
    }
}
