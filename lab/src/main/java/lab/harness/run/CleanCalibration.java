package lab.harness.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.data.SplitFile;
import lab.experiments.CleanAnswerLogits;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.config.RunConfig;
import lab.harness.stats.ExpectedCalibrationError;
import lab.harness.stats.TemperatureScaling;
import lab.io.AtomicFiles;
import lab.runtime.HookedTransformer;
import lab.viz.ReliabilityDiagram;

/**
 * How well the clean model's confidence matches its accuracy, for runs with answers: the expected
 * calibration error ({@value ExpectedCalibrationError#BINS} equal-width bins) of the top-1
 * prediction at the scored position, and temperature scaling fitted on the corpus's {@code val}
 * subset and applied to its {@code test} subset. Without a split holding both, the ECE of the
 * run's own examples alone. Each subset is cut to {@code data.n_examples} when the config sets it. Written to {@code calibration.json}, and handed on to the summary,
 * MLflow and the report.
 *
 * <p>The clean run only: calibrating every condition would mean running each intervention over
 * the {@code val} subset too, a second experiment.
 */
final class CleanCalibration {

    static final String FILE = "calibration.json";
    static final String CONFIDENCE = "top-1 probability of the clean run's next-token distribution at the scored position"
            + " (the prompt's last token); correct when that token is the target (its first token for answer spans)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the run reports: the summary's {@code calibration} entry, MLflow metrics, the report's diagram. */
    record Result(Map<String, Object> json, Map<String, Double> metrics, List<ReliabilityDiagram> diagrams) {

        static Result none() {
            return new Result(Map.of(), Map.of(), List.of());
        }

        /** The summary.json entries this adds ({@code calibration}), none when there is none. */
        Map<String, Object> summaryEntries() {
            return json.isEmpty() ? Map.of() : Map.of("calibration", json);
        }
    }

    private CleanCalibration() {
    }

    static Result measure(Path dir, RunConfig config, HookedTransformer model, List<PreparedExample> runExamples)
            throws IOException {
        if (Collections.disjoint(config.metrics(), AnswerMetrics.ALL)) {
            return Result.none();
        }
        Optional<Path> split = config.data().split();
        Set<String> subsets = split.map(s -> SplitFile.read(s).subsets().keySet()).orElse(Set.of());
        List<PreparedExample> val = subsets.contains("val") ? subset(config, model, split.get(), "val") : List.of();
        List<PreparedExample> test = subsets.contains("test") ? subset(config, model, split.get(), "test") : List.of();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scope", "clean run only (the conditions' interventions are not calibrated)");
        json.put("confidence", CONFIDENCE);
        json.put("bins", ExpectedCalibrationError.BINS);
        Map<String, Double> metrics = new LinkedHashMap<>();
        String note;
        List<ReliabilityDiagram.Curve> curves = new ArrayList<>();
        if (val.isEmpty() || test.isEmpty()) {
            List<CleanAnswerLogits.Reading> own = CleanAnswerLogits.read(model, runExamples);
            ExpectedCalibrationError.Result before = ece(own, 1);
            json.put("eval_subset", "the run's examples");
            json.put("n_eval", own.size());
            json.put("accuracy", accuracy(own));
            json.put("ece_before", before.ece());
            json.put("temperature", null);
            json.put("note", "no temperature scaling: it needs data.split with non-empty val and test subsets");
            json.put("reliability_before", bins(before));
            metrics.put("calibration/ece_before", before.ece());
            curves.add(curve("clean", before));
            note = "Confidence: " + CONFIDENCE + "; " + ExpectedCalibrationError.BINS + " equal-width bins; "
                    + own.size() + " examples. No temperature scaling: it needs data.split with val and test subsets.";
        } else {
            List<CleanAnswerLogits.Reading> fitOn = CleanAnswerLogits.read(model, val);
            List<CleanAnswerLogits.Reading> evalOn = CleanAnswerLogits.read(model, test);
            TemperatureScaling.Fit fit = TemperatureScaling.fit(fitOn.stream().map(CleanAnswerLogits.Reading::logits)
                    .toArray(double[][]::new), fitOn.stream().mapToInt(CleanAnswerLogits.Reading::target).toArray());
            ExpectedCalibrationError.Result before = ece(evalOn, 1);
            ExpectedCalibrationError.Result after = ece(evalOn, fit.temperature());
            json.put("fit_subset", "val");
            json.put("n_fit", fitOn.size());
            json.put("eval_subset", "test");
            json.put("n_eval", evalOn.size());
            json.put("accuracy", accuracy(evalOn));
            json.put("temperature", fit.temperature());
            json.put("temperature_at_search_bound", fit.atBound());
            json.put("nll_fit_before", fit.nllBefore());
            json.put("nll_fit_after", fit.nllAfter());
            json.put("ece_before", before.ece());
            json.put("ece_after", after.ece());
            json.put("reliability_before", bins(before));
            json.put("reliability_after", bins(after));
            metrics.put("calibration/ece_before", before.ece());
            metrics.put("calibration/ece_after", after.ece());
            metrics.put("calibration/temperature", fit.temperature());
            curves.add(curve("before (T = 1)", before));
            curves.add(curve(String.format(java.util.Locale.ROOT, "after (T = %.3g)", fit.temperature()), after));
            note = String.format(java.util.Locale.ROOT, "Confidence: %s; %d equal-width bins. T = %.3g fitted on val (%d examples,"
                    + " NLL %.3g -> %.3g)%s, applied to test (%d examples, accuracy %.3g): ECE %.3g -> %.3g.", CONFIDENCE,
                    ExpectedCalibrationError.BINS, fit.temperature(), fitOn.size(), fit.nllBefore(), fit.nllAfter(),
                    fit.atBound() ? " at the search bound" : "", evalOn.size(), accuracy(evalOn), before.ece(), after.ece());
        }
        metrics.put("calibration/accuracy", (Double) json.get("accuracy"));
        AtomicFiles.writeString(dir.resolve(FILE), toJson(json));
        return new Result(json, metrics, List.of(new ReliabilityDiagram("Calibration of the clean run", note
                + " Clean run only: the conditions are not calibrated.", curves)));
    }

    /** The subset's items, at most {@code data.n_examples} of them (the first), so that a quick run stays quick. */
    private static List<PreparedExample> subset(RunConfig config, HookedTransformer model, Path split, String name) {
        Path corpus = config.data().corpus();
        List<CorpusItem> items = Corpus.load(corpus, split, name);
        int limit = config.data().nExamples().orElse(items.size());
        return ConfigRunInputs.prepare(items.subList(0, Math.min(limit, items.size())), corpus, config, model);
    }

    private static ExpectedCalibrationError.Result ece(List<CleanAnswerLogits.Reading> readings, double temperature) {
        double[] confidence = new double[readings.size()];
        boolean[] correct = new boolean[readings.size()];
        for (int i = 0; i < readings.size(); i++) {
            confidence[i] = TemperatureScaling.topProbability(readings.get(i).logits(), temperature);
            correct[i] = TemperatureScaling.argmax(readings.get(i).logits()) == readings.get(i).target();
        }
        return ExpectedCalibrationError.of(confidence, correct, ExpectedCalibrationError.BINS);
    }

    private static double accuracy(List<CleanAnswerLogits.Reading> readings) {
        return readings.stream().filter(r -> TemperatureScaling.argmax(r.logits()) == r.target()).count() / (double) readings.size();
    }

    private static List<Map<String, Object>> bins(ExpectedCalibrationError.Result r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ExpectedCalibrationError.Bin b : r.bins()) {
            Map<String, Object> bin = new LinkedHashMap<>();
            bin.put("lower", b.lower());
            bin.put("upper", b.upper());
            bin.put("count", b.count());
            bin.put("mean_confidence", b.count() == 0 ? null : b.meanConfidence());
            bin.put("accuracy", b.count() == 0 ? null : b.accuracy());
            out.add(bin);
        }
        return out;
    }

    private static ReliabilityDiagram.Curve curve(String label, ExpectedCalibrationError.Result r) {
        return new ReliabilityDiagram.Curve(label, r.ece(), r.bins().stream().map(b -> new ReliabilityDiagram.Point(b.lower(),
                b.upper(), b.count(), b.meanConfidence(), b.accuracy())).toList());
    }

    private static String toJson(Map<String, Object> json) {
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise calibration", e);
        }
    }
}
