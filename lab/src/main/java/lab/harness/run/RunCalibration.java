package lab.harness.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.data.SplitFile;
import lab.experiments.CleanAnswerLogits;
import lab.experiments.Experiment;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.config.RunConfig;
import lab.harness.stats.ExpectedCalibrationError;
import lab.io.AtomicFiles;
import lab.runtime.HookedTransformer;
import lab.viz.ReliabilityDiagram;

/**
 * How well the model's confidence matches its accuracy, for runs with answers: the expected
 * calibration error ({@value ExpectedCalibrationError#BINS} equal-width bins) of the top-1
 * prediction at the scored position, and temperature scaling fitted on the corpus's {@code val}
 * subset and applied to its {@code test} subset, for the clean run and, when the experiment reports
 * its answer readings, for every condition ({@link ConditionCalibration}: each condition's readings on
 * val and test, kept from the seed loop for the examples the run computes anyway, the others
 * computed once per run whatever the seeds; {@code output.calibration: "clean"} skips it). Without a split holding both, the clean run's ECE on
 * the run's own examples alone. Each subset is cut to {@code data.n_examples} when the config sets
 * it. Written to {@code calibration.json}, and handed on to the summary, MLflow and the report.
 */
final class RunCalibration {

    static final String FILE = "calibration.json";
    static final String CONFIDENCE = "top-1 probability of the next-token distribution at the scored position"
            + " (the prompt's last token); correct when that token is the target (its first token for answer spans)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the run reports: the summary's {@code calibration} entry, MLflow metrics, the report's diagrams. */
    record Result(Map<String, Object> json, Map<String, Double> metrics, List<ReliabilityDiagram> diagrams) {

        static Result none() {
            return new Result(Map.of(), Map.of(), List.of());
        }

        /** The summary.json entries this adds ({@code calibration}), none when there is none. */
        Map<String, Object> summaryEntries() {
            return json.isEmpty() ? Map.of() : Map.of("calibration", json);
        }
    }

    private final RunConfig config;
    private final HookedTransformer model;
    private final Experiment experiment;
    private final List<PreparedExample> val;
    private final List<PreparedExample> test;
    private final Optional<String> noConditions;
    private final ConditionCalibration.Readings readings;

    private RunCalibration(RunConfig config, HookedTransformer model, Experiment experiment, List<PreparedExample> val,
                           List<PreparedExample> test, long capBytes) {
        this.config = config;
        this.model = model;
        this.experiment = experiment;
        this.val = val;
        this.test = test;
        this.noConditions = val.isEmpty() || test.isEmpty() ? Optional.of("no data.split with val and test subsets")
                : whyNoConditions(config, experiment, val, test);
        this.readings = new ConditionCalibration.Readings(noConditions.isEmpty() ? val : List.of(),
                noConditions.isEmpty() ? test : List.of(), capBytes);
    }

    /**
     * Before the seeds run: the split's val and test examples, and whether the conditions are
     * calibrated. A run without answer metrics calibrates nothing. The conditions' readings may hold
     * a quarter of the JVM's maximum heap ({@link ConditionCalibration.Readings}).
     */
    static RunCalibration plan(RunConfig config, HookedTransformer model, Experiment experiment) {
        return plan(config, model, experiment, Runtime.getRuntime().maxMemory() / 4);
    }

    /** {@link #plan(RunConfig, HookedTransformer, Experiment)} with the conditions' readings capped at {@code capBytes}. */
    static RunCalibration plan(RunConfig config, HookedTransformer model, Experiment experiment, long capBytes) {
        if (Collections.disjoint(config.metrics(), AnswerMetrics.ALL)) {
            return new RunCalibration(config, model, experiment, List.of(), List.of(), capBytes);
        }
        Optional<Path> split = config.data().split();
        Set<String> subsets = split.map(s -> SplitFile.read(s).subsets().keySet()).orElse(Set.of());
        List<PreparedExample> val = subsets.contains("val") ? subset(config, model, split.get(), "val") : List.of();
        List<PreparedExample> test = subsets.contains("test") ? subset(config, model, split.get(), "test") : List.of();
        return new RunCalibration(config, model, experiment, val, test, capBytes);
    }

    /**
     * Where the seed loop hands each computed example's readings: those of val and test examples
     * are kept, so that an example the run computes anyway is not computed again for calibration.
     */
    SeedLoop.ReadingTap tap() {
        return readings;
    }

    /** As a run calls it: {@link #plan}, then (after any seeds, none here) {@link #measure(Path, List)}. */
    static Result measure(Path dir, RunConfig config, HookedTransformer model, Experiment experiment,
                          List<PreparedExample> runExamples) throws IOException {
        return plan(config, model, experiment).measure(dir, runExamples);
    }

    /** Calibrates, from the readings the seeds left and forwards of the examples they did not compute; writes calibration.json. */
    Result measure(Path dir, List<PreparedExample> runExamples) throws IOException {
        if (Collections.disjoint(config.metrics(), AnswerMetrics.ALL)) {
            return Result.none();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("confidence", CONFIDENCE);
        json.put("bins", ExpectedCalibrationError.BINS);
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<ReliabilityDiagram> diagrams = new ArrayList<>();
        if (val.isEmpty() || test.isEmpty()) {
            List<CleanAnswerLogits.Reading> own = CleanAnswerLogits.read(model, runExamples);
            ExpectedCalibrationError.Result before = CalibrationFit.ece(own, 1);
            json.put("scope", "clean run only: per-condition calibration, like temperature scaling, needs data.split with"
                    + " non-empty val and test subsets");
            json.put("eval_subset", "the run's examples");
            json.put("n_eval", own.size());
            json.put("accuracy", CalibrationFit.accuracy(own));
            json.put("ece_before", before.ece());
            json.put("temperature", null);
            json.put("note", "no temperature scaling: it needs data.split with non-empty val and test subsets");
            json.put("reliability_before", CalibrationFit.bins(before));
            metrics.put("calibration/ece_before", before.ece());
            metrics.put("calibration/accuracy", CalibrationFit.accuracy(own));
            diagrams.add(new ReliabilityDiagram("Calibration of the clean run", "Confidence: " + CONFIDENCE + "; "
                    + ExpectedCalibrationError.BINS + " equal-width bins; " + own.size() + " examples. No temperature scaling"
                    + " and no per-condition calibration: they need data.split with val and test subsets.",
                    List.of(CalibrationFit.curve("clean", before))));
        } else {
            CalibrationFit clean = CalibrationFit.of(CleanAnswerLogits.read(model, val), CleanAnswerLogits.read(model, test));
            List<ConditionCalibration.Entry> conditions = noConditions.isPresent() ? List.of()
                    : ConditionCalibration.measure(experiment, model, config.metrics(), val, test, clean, readings);
            Optional<String> cleanOnly = noConditions.or(readings::overCap);
            json.put("scope", cleanOnly.map(why -> "clean run only: " + why).orElse("clean run and every condition"
                    + " (the experiment's intervened runs on val and test; conditions under \"conditions\")"
                    + (conditions.stream().anyMatch(ConditionCalibration.Entry::onCorruptPrompt) ? "; a condition with a \"note\""
                    + " is read on the corrupt prompt against the clean target, so wrong by design, and not ranked" : "")));
            json.put("fit_subset", "val");
            json.put("eval_subset", "test");
            json.putAll(clean.json());
            json.put("reliability_before", CalibrationFit.bins(clean.before()));
            json.put("reliability_after", CalibrationFit.bins(clean.after()));
            metrics.put("calibration/ece_before", clean.before().ece());
            metrics.put("calibration/ece_after", clean.after().ece());
            metrics.put("calibration/temperature", clean.temperature());
            metrics.put("calibration/accuracy", clean.accuracy());
            diagrams.add(cleanDiagram(clean, cleanOnly.isPresent()));
            if (cleanOnly.isEmpty()) {
                json.put("conditions", ConditionCalibration.json(conditions));
                metrics.putAll(ConditionCalibration.metrics(conditions));
                ConditionCalibration.diagram(conditions, clean).ifPresent(diagrams::add);
            }
        }
        AtomicFiles.writeString(dir.resolve(FILE), toJson(json));
        return new Result(json, metrics, diagrams);
    }

    /**
     * {@link #measure(Path, List)} as the end of a run calls it: the seeds have finished, so a failure
     * here does not fail the run. It is logged with its stack trace, calibration.json says in its
     * {@code scope} that calibration failed and why, and the run's summary and report go on without it.
     */
    Result measureOrNote(Path dir, List<PreparedExample> runExamples, RunLog log) {
        try {
            return measure(dir, runExamples);
        } catch (RuntimeException | IOException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            log.info("calibration failed; the run finishes without it: %s", trace);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("scope", "not calibrated: calibration failed after the seeds had finished (" + e
                    + "); see run.log. The results, summary and report do not depend on it.");
            try {
                AtomicFiles.writeString(dir.resolve(FILE), toJson(json));
            } catch (IOException | RuntimeException written) {
                log.info("could not write %s: %s", FILE, written);
            }
            return new Result(json, Map.of(), List.of());
        }
    }

    /** Why the conditions are not calibrated, if they are not. */
    private static Optional<String> whyNoConditions(RunConfig config, Experiment experiment, List<PreparedExample> val,
                                                    List<PreparedExample> test) {
        if (!config.output().calibrateConditions()) {
            return Optional.of("output.calibration is \"clean\"");
        }
        if (!experiment.reportsAnswerReadings()) {
            return Optional.of("experiment.type " + experiment.type() + " does not read its conditions from an intervened"
                    + " run's answer distribution");
        }
        List<PreparedExample> both = new ArrayList<>(val);
        both.addAll(test);
        try {
            experiment.check(both);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("the experiment's parameters do not fit the val and test examples (" + e.getMessage() + ")");
        }
    }

    private static ReliabilityDiagram cleanDiagram(CalibrationFit clean, boolean cleanOnly) {
        String note = String.format(Locale.ROOT, "Confidence: %s; %d equal-width bins. T = %.3g fitted on val (%d examples,"
                + " NLL %.3g -> %.3g)%s, applied to test (%d examples, accuracy %.3g): ECE %.3g -> %.3g.", CONFIDENCE,
                ExpectedCalibrationError.BINS, clean.temperature(), clean.nFit(), clean.fit().nllBefore(), clean.fit().nllAfter(),
                clean.fit().atBound() ? " at the search bound" : "", clean.nEval(), clean.accuracy(), clean.before().ece(),
                clean.after().ece());
        return new ReliabilityDiagram("Calibration of the clean run", note + (cleanOnly ? " Clean run only: the conditions"
                + " are not calibrated (see calibration.json's scope)." : ""), List.of(CalibrationFit.curve("before (T = 1)",
                clean.before()), CalibrationFit.curve(String.format(Locale.ROOT, "after (T = %.3g)", clean.temperature()),
                clean.after())));
    }

    /** The subset's items, at most {@code data.n_examples} of them (the first), so that a quick run stays quick. */
    private static List<PreparedExample> subset(RunConfig config, HookedTransformer model, Path split, String name) {
        Path corpus = config.data().corpus();
        List<CorpusItem> items = Corpus.load(corpus, split, name);
        int limit = config.data().nExamples().orElse(items.size());
        return ConfigRunInputs.prepare(items.subList(0, Math.min(limit, items.size())), corpus, config, model);
    }

    private static String toJson(Map<String, Object> json) {
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise calibration", e);
        }
    }
}
