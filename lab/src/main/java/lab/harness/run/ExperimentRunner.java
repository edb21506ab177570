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
import lab.experiments.AnswerSpan;
import lab.experiments.Experiment;
import lab.experiments.Experiments;
import lab.experiments.PreparedExample;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.maps.ExampleHeatmaps;
import lab.harness.maps.HeatmapAssembler;
import lab.harness.provenance.InputFiles;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsRecorder;
import lab.harness.results.SeedLevelSummarizer;
import lab.harness.results.Summary;
import lab.harness.results.SummaryWriter;
import lab.harness.rundir.RunDirectories;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.HookedTransformer;
import lab.runtime.loading.Checkpoint;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.viz.AttentionPatterns;
import lab.viz.HeatmapData;

/**
 * Runs one resolved config from start to end: run directory, config and status, model and
 * corpus, the experiment over every seed (results flushed after each seed), summary, figures,
 * provenance, profile and MLflow. Ctrl+C keeps what finished and marks the run KILLED; a killed,
 * stale or failed run can be {@link #resume resumed} in its own directory.
 */
public final class ExperimentRunner {

    /** How the run ended and where it lives. */
    public record Outcome(Path directory, RunState state) {
    }

    /** Told where a run lives as soon as it starts. */
    @FunctionalInterface
    public interface DirectoryListener {
        void started(Path runDir) throws IOException;
    }

    private final Clock clock;

    public ExperimentRunner(Clock clock) {
        this.clock = clock;
    }

    public Outcome run(RunConfig config) throws IOException {
        return run(config, dir -> { });
    }

    /** As {@link #run(RunConfig)}; {@code started} learns the run directory once its status says RUNNING (battery tasks record it). */
    public Outcome run(RunConfig config, DirectoryListener started) throws IOException {
        if (SaeTrainingRunner.TYPE.equals(config.experiment().type())) {
            // a training job, not a per-example sweep: its own runner, the same run directory and session
            return new SaeTrainingRunner(clock).run(config, started);
        }
        // parameters that fit no model, or not this model (a head or layer out of range), fail here,
        // before a run directory exists: config.json is read, not the weights
        Experiment experiment = experimentOf(config);
        experiment.check(ModelLoader.readConfig(Checkpoint.open(config.model().path())));
        Path dir = RunDirectories.create(config.output().root(), config.name(), config.shortHash(), clock);
        config.writeTo(dir.resolve("config.json"));
        RunStatusFile status = RunStatusFile.start(dir, config.hash(), config.name(), clock);
        started.started(dir);
        try (RunLog log = new RunLog(dir.resolve("run.log"));
             RunSession session = RunSession.open(dir, config, status, log, clock)) {
            log.info("run %s: %s in %s", config.name(), config.experiment().type(), dir);
            return runIn(dir, config, experiment, session, log, List.of(), 0);
        }
    }

    /**
     * Continues a KILLED, STALE or FAILED run in its own directory with its own config.json (see
     * {@link ResumePlan} for what is checked first): the rows of its finished seeds are kept, the
     * other seeds run, and it ends as an uninterrupted run of the config would.
     */
    public Outcome resume(Path dir) throws IOException {
        ResumePlan plan = ResumePlan.check(dir, RunConfigLoader.inWorkingDirectory(), RunLiveness.here());
        RunConfig config = plan.config();
        if (SaeTrainingRunner.TYPE.equals(config.experiment().type())) {
            return new SaeTrainingRunner(clock).resume(dir, plan);
        }
        try (RunLog log = new RunLog(dir.resolve("run.log"))) {
            RunStatusFile status = plan.begin(clock, log);
            try (RunSession session = RunSession.resume(dir, config, status, log, clock, plan.keptRows().size())) {
                log.info("resume %s: %d rows of %d of %d seeds kept", dir, plan.keptRows().size(), plan.seedsDone(),
                        config.seeds().size());
                return runIn(dir, config, experimentOf(config), session, log, plan.keptRows(), plan.seedsDone());
            }
        }
    }

    private Outcome runIn(Path dir, RunConfig config, Experiment experiment, RunSession session, RunLog log, List<ResultRow> keptRows, int seedsDone)
            throws IOException {
        session.complete(dir, () -> execute(config, experiment, dir, session, log, keptRows, seedsDone));
        return new Outcome(dir, RunState.FINISHED);
    }

    /** The config's experiment, its parameters checked as far as they can be without a model. */
    private static Experiment experimentOf(RunConfig config) {
        Experiment experiment = Experiments.create(config.experiment().type(), config.experiment().params());
        if (config.answerSpan() == AnswerSpan.FULL && !experiment.scoresAnswerSpans()) {
            throw new IllegalArgumentException("experiment.type " + experiment.type() + " with these parameters reads"
                    + " one-token answers only (mean ablation has no means for answer positions); remove \"span\": \"full\","
                    + " or use an experiment (or zero ablation) that scores answer spans");
        }
        return experiment;
    }

    private void execute(RunConfig config, Experiment experiment, Path dir, RunSession session, RunLog log,
                         List<ResultRow> keptRows, int seedsDone) throws IOException {
        HookedTransformer model;
        try (var p = session.phase("load_model")) {
            model = ModelLoader.load(config.model().path(),
                    new LoadOptions(config.model().device(), LoadOptions.parseDtype(config.model().dtype())));
        }
        try (HookedTransformer m = model) {
            experiment.check(m.config());
            experiment.checkMetrics(config.metrics());
            List<PreparedExample> examples;
            try (var p = session.phase("prepare_data")) {
                examples = prepare(config, m);
            }
            experiment.check(examples);
            log.info("model %s (%d layers x %d heads) on %s; %d examples", config.model().path(), m.config().nLayers(),
                    m.config().nHeads(), m.device(), examples.size());
            ConfigRunInputs inputs = new ConfigRunInputs(config, m, examples);
            try (var p = session.phase("prepare_experiment")) {
                experiment.prepare(m, inputs);
                List<Path> read = new ArrayList<>(experiment.inputFiles());
                read.addAll(inputs.filesRead());
                InputFiles.record(dir, config.baseDir(), read);
            }
            List<AttentionPatterns> patterns;
            try (var p = session.phase("patterns")) {
                patterns = CleanPatterns.write(dir, m, examples, config.output().patternsExamples());
            }
            RunCalibration calibrating = RunCalibration.plan(config, m, experiment);
            List<String> metrics = config.metrics();
            List<String> reported = ResultsSchemas.reportedMetrics(experiment, metrics);
            ResultsRecorder recorder = ResultsRecorder.inDirectory(ResultsSchemas.forExperiment(experiment, metrics), dir);
            keptRows.forEach(recorder.table()::append);
            session.keepOnInterrupt(recorder);
            Integer n = config.data().nExamples().isPresent() ? config.data().nExamples().getAsInt() : null;
            new SeedLoop(experiment, m, metrics, calibrating.tap()).run(examples, n, config.seeds(), seedsDone, recorder, session, log);
            recorder.close();
            RunCalibration.Result calibration;
            try (var p = session.phase("calibration")) {
                calibration = calibrating.measureOrNote(dir, examples, log);
            }
            try (var p = session.phase("summarize")) {
                Summary summary = SeedLevelSummarizer.summarize(recorder.table());
                SummaryWriter.write(summary, dir, calibration.summaryEntries());
                summary.notes().forEach(note -> log.info("summary: %s", note));
                List<HeatmapData> maps = new ArrayList<>(HeatmapAssembler.assemble(summary, experiment.maps(), reported));
                maps.addAll(ExampleHeatmaps.assemble(recorder.table(), experiment.exampleMaps(), metrics));
                RunFigures.write(dir, dir.getFileName().toString(), reportMetadata(config, m), summary, maps,
                        TopEffects.rank(recorder.table(), summary, reported, experiment.effectMetric(metrics), TopEffects.SHOWN),
                        patterns, calibration.diagrams());
                session.logSummary(summary, recorder.table());
                session.logMetrics(calibration.metrics());
            }
        }
    }

    static List<PreparedExample> prepare(RunConfig config, HookedTransformer model) {
        Path corpus = config.data().corpus();
        List<CorpusItem> items = Corpus.load(corpus, config.data().split().orElse(null), config.data().subset().orElse(null));
        if (items.isEmpty()) {
            throw new IllegalArgumentException(corpus + ": no examples" + config.data().subset().map(s -> " in subset '" + s + "'").orElse(""));
        }
        return ConfigRunInputs.prepare(items, corpus, config, model);
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
