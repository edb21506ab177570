package lab.harness.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.CleanAnswerLogits.Reading;
import lab.harness.stats.ExpectedCalibrationError;
import lab.harness.stats.TemperatureScaling;
import lab.viz.ReliabilityDiagram;

/**
 * One model's calibration, the clean one or an intervened one: T fitted on the {@code val}
 * readings by NLL, and on the {@code test} readings the top-1 accuracy and the expected calibration
 * error at T = 1 and at the fitted T. A reading's row may hold logits or log-probabilities: both give
 * the same softmax at every temperature.
 */
record CalibrationFit(int nFit, int nEval, double accuracy, TemperatureScaling.Fit fit,
                      ExpectedCalibrationError.Result before, ExpectedCalibrationError.Result after) {

    static CalibrationFit of(List<Reading> fitOn, List<Reading> evalOn) {
        TemperatureScaling.Fit fit = TemperatureScaling.fit(fitOn.stream().map(Reading::logits).toArray(double[][]::new),
                fitOn.stream().mapToInt(Reading::target).toArray());
        return new CalibrationFit(fitOn.size(), evalOn.size(), accuracy(evalOn), fit, ece(evalOn, 1),
                ece(evalOn, fit.temperature()));
    }

    double temperature() {
        return fit.temperature();
    }

    /** The fields calibration.json gives every calibrated model, without its reliability bins. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("n_fit", nFit);
        json.put("n_eval", nEval);
        json.put("accuracy", accuracy);
        json.put("temperature", fit.temperature());
        json.put("temperature_at_search_bound", fit.atBound());
        json.put("nll_fit_before", fit.nllBefore());
        json.put("nll_fit_after", fit.nllAfter());
        json.put("ece_before", before.ece());
        json.put("ece_after", after.ece());
        return json;
    }

    static ExpectedCalibrationError.Result ece(List<Reading> readings, double temperature) {
        double[] confidence = new double[readings.size()];
        boolean[] correct = new boolean[readings.size()];
        for (int i = 0; i < readings.size(); i++) {
            confidence[i] = TemperatureScaling.topProbability(readings.get(i).logits(), temperature);
            correct[i] = TemperatureScaling.argmax(readings.get(i).logits()) == readings.get(i).target();
        }
        return ExpectedCalibrationError.of(confidence, correct, ExpectedCalibrationError.BINS);
    }

    static double accuracy(List<Reading> readings) {
        return readings.stream().filter(r -> TemperatureScaling.argmax(r.logits()) == r.target()).count() / (double) readings.size();
    }

    /** The reliability bins as calibration.json lists them (null confidence and accuracy for an empty bin). */
    static List<Map<String, Object>> bins(ExpectedCalibrationError.Result r) {
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

    static ReliabilityDiagram.Curve curve(String label, ExpectedCalibrationError.Result r) {
        return new ReliabilityDiagram.Curve(label, r.ece(), r.bins().stream().map(b -> new ReliabilityDiagram.Point(b.lower(),
                b.upper(), b.count(), b.meanConfidence(), b.accuracy())).toList());
    }
}
