package lab.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.experiments.ExamplePreparer;
import lab.experiments.Experiment;
import lab.experiments.Experiments;
import lab.experiments.PreparedExample;
import lab.experiments.Prompt;
import lab.harness.config.RunConfig;
import lab.harness.results.ResultsRecorder;
import lab.harness.results.SeedLevelSummarizer;
import lab.harness.results.Summary;
import lab.harness.results.SummaryWriter;
import lab.harness.rundir.RunDirectories;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.HookedTransformer;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.viz.HeatmapData;

/**
 * Runs one resolved config from start to end: run directory, config and status, model and
 * corpus, the experiment over every seed (results flushed after each seed), summary, figures,
 * provenance, profile and MLflow. Ctrl+C keeps what finished and marks the run KILLED.
 */
public final class ExperimentRunner {

    /** How the run ended and where it lives. */
    public record Outcome(Path directory, RunState state) {
    }

    private final Clock clock;

    public ExperimentRunner(Clock clock) {
        this.clock = clock;
    }

    public Outcome run(RunConfig config) throws IOException {
        if (SaeTrainingRunner.TYPE.equals(config.experiment().type())) {
            // a training job, not a per-example sweep: its own runner, the same run directory and session
            return new SaeTrainingRunner(clock).run(config);
        }
        Path dir = RunDirectories.create(config.output().root(), config.name(), config.shortHash(), clock);
        config.writeTo(dir.resolve("config.json"));
        RunStatusFile status = RunStatusFile.start(dir, config.hash(), config.name(), clock);
        try (RunLog log = new RunLog(dir.resolve("run.log"));
             RunSession session = RunSession.open(dir, config, status, log, clock)) {
            log.info("run %s: %s in %s", config.name(), config.experiment().type(), dir);
            try {
                execute(config, dir, session, log);
                session.finish(RunState.FINISHED, null);
                log.info("finished: %s", dir);
                return new Outcome(dir, RunState.FINISHED);
            } catch (RuntimeException | IOException e) {
                log.info("failed: %s", e.getMessage());
                session.finish(RunState.FAILED, e);
                throw e;
            }
        }
    }

    private void execute(RunConfig config, Path dir, RunSession session, RunLog log) throws IOException {
        HookedTransformer model;
        try (var p = session.phase("load_model")) {
            model = ModelLoader.load(config.model().path(),
                    new LoadOptions(config.model().device(), LoadOptions.parseDtype(config.model().dtype())));
        }
        try (HookedTransformer m = model) {
            Experiment experiment = Experiments.create(config.experiment().type(), config.experiment().params());
            experiment.check(m.config());
            List<PreparedExample> examples;
            try (var p = session.phase("prepare_data")) {
                examples = prepare(config, m);
                experiment.prepare(m, examples);
            }
            log.info("model %s (%d layers x %d heads) on %s; %d examples", config.model().path(), m.config().nLayers(),
                    m.config().nHeads(), m.device(), examples.size());
            List<String> metrics = config.metrics();
            ResultsRecorder recorder = ResultsRecorder.inDirectory(ResultsSchemas.forExperiment(experiment, metrics), dir);
            session.keepOnInterrupt(recorder);
            Integer n = config.data().nExamples().isPresent() ? config.data().nExamples().getAsInt() : null;
            for (long seed : config.seeds()) {
                try (var p = session.phase("seed_" + seed)) {
                    for (PreparedExample ex : ExampleDraw.forSeed(examples, n, seed)) {
                        experiment.run(m, ex, metrics, (condition, values, baselines) -> {
                            var row = recorder.newRow().exampleId(ex.id()).seed((int) seed).group(ex.group());
                            condition.forEach(row::set);
                            values.forEach(row::set);
                            baselines.forEach(row::set);
                            row.append();
                        });
                    }
                    recorder.flush();
                }
                log.info("seed %d done: %d rows so far", seed, recorder.table().rowCount());
            }
            recorder.close();
            try (var p = session.phase("summarize")) {
                Summary summary = SeedLevelSummarizer.summarize(recorder.table());
                SummaryWriter.write(summary, dir);
                List<HeatmapData> maps = new ArrayList<>(HeatmapAssembler.assemble(summary, experiment.maps(), metrics));
                maps.addAll(ExampleHeatmaps.assemble(recorder.table(), experiment.exampleMaps(), metrics));
                RunFigures.write(dir, dir.getFileName().toString(), reportMetadata(config, m), summary, maps);
                session.logSummary(summary, recorder.table());
            }
        }
    }

    static List<PreparedExample> prepare(RunConfig config, HookedTransformer model) {
        Path corpus = config.data().corpus();
        List<CorpusItem> items = Corpus.load(corpus, config.data().split().orElse(null), config.data().subset().orElse(null));
        if (items.isEmpty()) {
            throw new IllegalArgumentException(corpus + ": no examples" + config.data().subset().map(s -> " in subset '" + s + "'").orElse(""));
        }
        ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), config.model().prependBos(), model.config().contextLength());
        List<PreparedExample> prepared = new ArrayList<>();
        for (CorpusItem item : items) {
            prepared.add(preparer.prepare(new Prompt(item.id(), item.group(), item.clean(), item.corrupt(), item.target(),
                    item.foil()), corpus.toString()));
        }
        return prepared;
    }

    private static Map<String, String> reportMetadata(RunConfig config, HookedTransformer model) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("experiment", config.experiment().type() + " " + config.experiment().params());
        meta.put("model", config.model().path() + " (" + model.config().family() + ", " + model.config().nLayers()
                + " layers x " + model.config().nHeads() + " heads)");
        meta.put("corpus", config.data().corpus() + config.data().subset().map(s -> " [" + s + "]").orElse(""));
        meta.put("seeds", config.seeds().toString());
        meta.put("config hash", config.hash());
        return meta;
    }
}
