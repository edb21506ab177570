package lab.harness.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import lab.experiments.PreparedExample;
import lab.experiments.sae.FeatureAnalysis;
import lab.experiments.sae.SaeTraining;
import lab.experiments.sae.SpliceEvaluation;
import lab.harness.config.RunConfig;
import lab.harness.rundir.RunDirectories;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import lab.io.AtomicFiles;
import lab.runtime.HookedTransformer;
import lab.runtime.bench.ForwardBenchmark;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import lab.sae.HookActivations;
import lab.sae.ReconstructionFit;
import lab.sae.SaeStepStats;
import lab.sae.SaeTrainingOptions;
import lab.sae.SparseAutoencoder;
import lab.tracking.MetricPoint;
import lab.viz.HtmlReport;
import lab.viz.RunReport;
import lab.viz.SummaryRow;

/**
 * {@code experiment.type: "sae_train"}: a training job rather than a per-example sweep, in the
 * same run directory and session as every run (config, status, provenance, profile, MLflow,
 * Ctrl+C marks it KILLED). Writes the SAE as a SAELens folder {@code sae/} (replaced whole at
 * every checkpoint, so an interrupted run keeps its last one), the step series
 * ({@code sae_steps.csv}, PNGs, MLflow {@code train/*}), {@code sae_training.json} with the
 * end-of-run evaluation and throughput, and {@code summary.json} rows the leaderboard reads. Each
 * checkpoint also replaces the training state ({@link SaeTrainingStateFile}) that {@link #resume}
 * continues a killed run from, to the result the uninterrupted run would have had.
 */
final class SaeTrainingRunner {

    static final String TYPE = "sae_train";
    static final String SAE_DIR = "sae";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Clock clock;
    private final LongConsumer afterCheckpoint;

    SaeTrainingRunner(Clock clock) {
        this(clock, step -> { });
    }

    /** @param afterCheckpoint told each step whose checkpoint is on disk (tests stop a run there, as a kill would) */
    SaeTrainingRunner(Clock clock, LongConsumer afterCheckpoint) {
        this.clock = clock;
        this.afterCheckpoint = afterCheckpoint;
    }

    /** @param started learns the run directory once its status says RUNNING (battery tasks record it) */
    ExperimentRunner.Outcome run(RunConfig config, ExperimentRunner.DirectoryListener started) throws IOException {
        // parameters are checked before the run directory exists
        SaeTrainingOptions options = SaeTrainingOptions.fromParams(config.experiment().params());
        SaeTextSource source = SaeTextSource.fromParams(config.experiment().params(), config.model().path());
        if (config.seeds().size() != 1) {
            throw new IllegalArgumentException(config.source() + ": seeds is " + config.seeds() + " but sae_train trains"
                    + " one SAE per run; give one seed (several: -m seeds=[0],[1])");
        }
        Path dir = RunDirectories.create(config.output().root(), config.name(), config.shortHash(), clock);
        config.writeTo(dir.resolve("config.json"));
        RunStatusFile status = RunStatusFile.start(dir, config.hash(), config.name(), clock);
        started.started(dir);
        try (RunLog log = new RunLog(dir.resolve("run.log"));
             RunSession session = RunSession.open(dir, config, status, log, clock)) {
            log.info("run %s: sae_train at %s in %s", config.name(), options.hook(), dir);
            return runIn(dir, config, options, source, session, log, null);
        }
    }

    /**
     * Continues a KILLED, STALE or FAILED run from its training state (see {@link SaeTrainingStateFile}),
     * read before anything is written: the same batches and updates as if it had never stopped.
     */
    ExperimentRunner.Outcome resume(Path dir, ResumePlan plan) throws IOException {
        RunConfig config = plan.config();
        SaeTrainingOptions options = SaeTrainingOptions.fromParams(config.experiment().params());
        SaeTextSource source = SaeTextSource.fromParams(config.experiment().params(), config.model().path());
        try (NDManager stateManager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            SaeTrainingStateFile.Saved saved = SaeTrainingStateFile.read(dir, stateManager, OptionalInt.of(options.dSae()));
            try (RunLog log = new RunLog(dir.resolve("run.log"))) {
                RunStatusFile status = plan.begin(clock, log, (int) saved.step(), 0);
                try (RunSession session = RunSession.resume(dir, config, status, log, clock, (int) saved.step())) {
                    log.info("resume %s: sae_train from its checkpoint at step %d", dir, saved.step());
                    // a kill in the middle of writing the state leaves its temp file: the size of the state
                    AtomicFiles.deleteStrays(dir.resolve(SaeTrainingStateFile.FILE));
                    return runIn(dir, config, options, source, session, log, saved);
                }
            }
        }
    }

    private ExperimentRunner.Outcome runIn(Path dir, RunConfig config, SaeTrainingOptions options, SaeTextSource source,
                                           RunSession session, RunLog log, SaeTrainingStateFile.Saved saved) throws IOException {
        session.complete(dir, () -> execute(config, options, source, dir, session, log, saved));
        // a finished run is not resumed: its training state (the SAE three times over, and the buffer)
        // goes, once the status says FINISHED, so that a kill before that can still resume
        Path state = dir.resolve(SaeTrainingStateFile.FILE);
        Files.deleteIfExists(state);
        AtomicFiles.deleteStrays(state);
        return new ExperimentRunner.Outcome(dir, RunState.FINISHED);
    }

    /** @param saved the checkpoint a resumed run continues from; null: from the start */
    private void execute(RunConfig config, SaeTrainingOptions options, SaeTextSource source, Path dir, RunSession session,
                         RunLog log, SaeTrainingStateFile.Saved saved) throws IOException {
        HookedTransformer model;
        try (var p = session.phase("load_model")) {
            model = ModelLoader.load(config.model().path(),
                    new LoadOptions(config.model().device(), LoadOptions.parseDtype(config.model().dtype())));
        }
        long seed = config.seeds().get(0);
        try (HookedTransformer m = model; NDManager manager = NDManager.newBaseManager(m.device())) {
            new HookActivations(m, options.hook());
            List<PreparedExample> examples;
            try (var p = session.phase("prepare_data")) {
                examples = ExperimentRunner.prepare(config, m);
            }
            List<long[]> texts = source.texts(examples);
            log.info("model %s on %s; %d texts (%s), %d tokens per epoch", config.model().path(), m.device(), texts.size(),
                    source.name(),
                    texts.stream().mapToLong(t -> t.length).sum());
            SaeStepLog steps = saved == null ? new SaeStepLog(dir)
                    : new SaeStepLog(dir, saved.steps(), session.lastLoggedStep(SaeStepLog.seriesKey()));
            SaeTraining.Result trained;
            try (var p = session.phase("train")) {
                trained = SaeTraining.train(m, options, texts, seed, metadata(config, m, options, source), manager,
                        saved == null ? null : saved.state(), new SaeTraining.Listener() {
                            @Override
                            public void step(SaeStepStats stats) {
                                steps.add(stats);
                            }

                            @Override
                            public void checkpoint(SparseAutoencoder sae, float[] sparsity, SaeTraining.State state)
                                    throws IOException {
                                // the training state last: it is what a resume continues from, and the
                                // series and folder it rewrites are then never behind it
                                steps.writeCsv();
                                SaeCheckpoint.replace(sae, sparsity, dir.resolve(SAE_DIR));
                                session.logMetrics(steps.newPoints());
                                SaeTrainingStateFile.write(dir, state, steps.rows());
                                SaeStepStats s = steps.last();
                                log.info("step %d: mse %.5f, explained variance %.3f, L0 %.1f, dead %d", s.step(), s.mse(),
                                        s.explainedVariance(), s.l0(), s.deadFeatures());
                                afterCheckpoint.accept(state.trainer().step());
                            }
                        });
            }
            try (SparseAutoencoder sae = trained.sae()) {
                SaeCheckpoint.replace(sae, trained.log10Sparsity(), dir.resolve(SAE_DIR));
                steps.writeCsv();
                session.logMetrics(steps.newPoints());
                ObjectNode report;
                try (var p = session.phase("evaluate")) {
                    report = evaluate(config, options, m, manager, sae, examples, texts, trained, seed);
                    source.describe(report.putObject("texts"), texts);
                }
                AtomicFiles.writeString(dir.resolve("sae_training.json"), JSON.writeValueAsString(report) + "\n");
                report.path("throughput").fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber()) {
                        session.profileFigure("sae_" + f.getKey(), f.getValue().asDouble());
                    }
                });
                Map<String, Double> finals = finalFigures(report);
                writeSummary(dir, finals);
                List<MetricPoint> points = new ArrayList<>();
                finals.forEach((k, v) -> {
                    String key = lab.tracking.MlflowNames.sanitizeKey(k);
                    // a resumed run killed after logging them would otherwise log them twice
                    if (saved == null || session.lastLoggedStep(key).isEmpty()) {
                        points.add(MetricPoint.of(key, v, 0));
                    }
                });
                session.logMetrics(points);
                steps.writePlots(config.name());
                int panels = config.experiment().param("panel_features").asInt(16);
                if (panels > 0) {
                    try (var p = session.phase("feature_panels")) {
                        SaePanels.write(FeatureAnalysis.analyse(m, sae, options.excludeBos(), texts, panels, 5),
                                config.name() + ": " + options.hook() + " SAE features", dir.resolve(SaePanels.FILE));
                    }
                }
                writeReport(dir, config, finals);
                log.info("SAE in %s: %s", dir.resolve(SAE_DIR), finals);
            }
        }
    }

    private static ObjectNode metadata(RunConfig config, HookedTransformer m, SaeTrainingOptions options,
                                       SaeTextSource source) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("sae_lens_version", lab.sae.SaeConfig.SAE_LENS_VERSION);
        meta.put("model_name", config.model().path().getFileName().toString());
        meta.put("model_class_name", "HookedTransformer");
        meta.putNull("hook_head_index");
        meta.put("context_size", m.config().contextLength());
        meta.put("prepend_bos", config.model().prependBos());
        meta.put("dataset_path", source.stream() == null ? config.tree().path("data").path("corpus").asText()
                : config.model().path() + " training stream from step " + source.stream().firstStep());
        meta.put("exclude_special_tokens", options.excludeBos());
        meta.putArray("seqpos_slice").addNull();
        meta.put("trained_by", "tiny-ablation-lab sae_train");
        return meta;
    }

    private static ObjectNode evaluate(RunConfig config, SaeTrainingOptions options, HookedTransformer m,
                                       NDManager manager, SparseAutoencoder sae, List<PreparedExample> examples,
                                       List<long[]> texts, SaeTraining.Result trained, long seed) {
        List<PreparedExample> eval = ExampleDraw.forSeed(examples, Math.min(options.evalExamples(), examples.size()), seed);
        HookActivations acts = new HookActivations(m, options.hook());
        List<float[]> rows = new ArrayList<>();
        for (PreparedExample ex : eval) {
            Collections.addAll(rows, acts.of(ex.clean(), options.excludeBos()));
        }
        ReconstructionFit fit = ReconstructionFit.measure(sae, rows);
        SpliceEvaluation.Result spliced = SpliceEvaluation.evaluate(m, sae, options.hook(), options.excludeBos(), eval,
                config.metrics());
        double matmul = ForwardBenchmark.matmulFlops(manager, DataType.FLOAT32);
        double saeFlopsPerToken = 12.0 * sae.config().dIn() * sae.config().dSae();
        // the length of the texts the model ran in training (the corpus's clean prompts, or stream rows)
        double meanLength = texts.stream().mapToLong(t -> t.length).average().orElse(1);
        double modelFlopsPerToken = ForwardBenchmark.forwardFlopsPerToken(m.config(), (int) Math.round(meanLength));
        double tokensPerSecond = trained.tokens() / trained.seconds();
        double flopsPerSecond = (trained.tokens() * saeFlopsPerToken + trained.modelTokens() * modelFlopsPerToken)
                / trained.seconds();

        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("hook", options.hook());
        out.put("architecture", options.architecture().saeLensName());
        out.put("d_in", sae.config().dIn());
        out.put("d_sae", sae.config().dSae());
        if (options.auxKCoefficient() > 0) {
            out.put("aux_k_coefficient", options.auxKCoefficient());
            out.put("aux_k", options.kAux(sae.config().dIn()));
        }
        out.put("steps", trained.steps());
        out.put("tokens", trained.tokens());
        ObjectNode f = out.putObject("fit");
        f.put("definition", "over every token of the evaluation texts at once: explained variance = 1 - sum|x - x_hat|^2"
                + " / sum|x - mean(x)|^2, mean(x) per dimension over those tokens; mse per element; l0 = active features per token");
        f.put("tokens", fit.rows());
        f.put("mse", fit.mse());
        f.put("explained_variance", fit.explainedVariance());
        f.put("l0", fit.l0());
        ObjectNode s = out.putObject("splice");
        s.put("definition", "SAE reconstruction spliced in without the error term on " + eval.size() + " clean prompts;"
                + " cross-entropy of each next token, ce_recovered = (ce_zero - ce_sae) / (ce_zero - ce_clean), kl = KL(clean || sae)"
                + " per position in nats (every position); answer_<metric>: the run's metrics at each prompt's last position against the clean run, mean over prompts");
        s.put("ce_clean", spliced.cleanCe());
        s.put("ce_sae", spliced.saeCe());
        s.put("ce_zero_ablated", spliced.zeroCe());
        s.put("ce_recovered", spliced.ceRecovered());
        s.put("kl", spliced.kl());
        s.put("ce_positions", spliced.cePositions());
        // prefixed: the answer metric "kl" (last position) is not the per-position kl above
        spliced.answerMetrics().forEach((metric, v) -> s.put("answer_" + metric, v));
        ObjectNode t = out.putObject("throughput");
        t.put("seconds", trained.seconds());
        t.put("sae_step_seconds", trained.saeSeconds());
        t.put("tokens_per_second", tokensPerSecond);
        t.put("sae_step_tokens_per_second", trained.tokens() / trained.saeSeconds());
        t.put("flops_per_second", flopsPerSecond);
        t.put("matmul_flops_per_second", matmul);
        t.put("matmul_share", flopsPerSecond / matmul);
        t.put("definition", "SAE step = 12 d_in d_sae FLOPs per token (encode and decode matmuls, backward twice the"
                + " forward), plus the model forward up to the hook's block counted as a whole forward per token;"
                + " matmul rate: libtorch float32 1024^3 products in this run");
        return out;
    }

    private static Map<String, Double> finalFigures(ObjectNode report) {
        Map<String, Double> out = new LinkedHashMap<>();
        report.path("fit").fields().forEachRemaining(e -> {
            if (e.getValue().isNumber() && !e.getKey().equals("tokens")) {
                out.put(e.getKey(), e.getValue().asDouble());
            }
        });
        report.path("splice").fields().forEachRemaining(e -> {
            if (e.getValue().isFloatingPointNumber()) {
                out.put(e.getKey(), e.getValue().asDouble());
            }
        });
        out.put("tokens_per_second", report.path("throughput").path("tokens_per_second").asDouble());
        out.put("matmul_share", report.path("throughput").path("matmul_share").asDouble());
        return out;
    }

    /** summary.json in the shape the leaderboard reads: one row per figure, no condition. */
    private static void writeSummary(Path dir, Map<String, Double> finals) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("definition", "final figures of one SAE training run (see sae_training.json); no seeds, no interval");
        var rows = root.putArray("rows");
        finals.forEach((metric, v) -> rows.addObject().put("metric", metric).put("mean", v));
        AtomicFiles.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(root) + "\n");
    }

    private static void writeReport(Path dir, RunConfig config, Map<String, Double> finals) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("experiment", config.experiment().type() + " " + config.experiment().params());
        meta.put("model", config.model().path().toString());
        meta.put("corpus", config.data().corpus().toString());
        meta.put("SAE", dir.resolve(SAE_DIR) + " (SAELens format); step series in " + SaeStepLog.CSV + " and sae_*.png;"
                + " feature panels in " + SaePanels.FILE);
        meta.put("config hash", config.hash());
        List<SummaryRow> rows = new ArrayList<>();
        finals.forEach((metric, v) -> rows.add(SummaryRow.withoutInterval("final", metric, v)));
        HtmlReport.write(new RunReport(dir.getFileName().toString(), meta, rows, List.of()), dir.resolve("report.html"));
    }
}
