package lab.harness.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Expected calibration error (Guo et al. 2017): predictions grouped by confidence into equal-width
 * bins over [0, 1], each bin's |accuracy - mean confidence| weighted by its share of predictions.
 * Bin b of B holds confidences in (b/B, (b+1)/B]; a confidence of exactly 0 goes to the first.
 */
public final class ExpectedCalibrationError {

    /** The number of bins this lab reports (Guo et al.'s 15). */
    public static final int BINS = 15;

    /** One bin: its bounds, how many predictions fell in it, their mean confidence and accuracy (NaN when empty). */
    public record Bin(double lower, double upper, int count, double meanConfidence, double accuracy) {
    }

    /** The error and the bins it was read from (the reliability diagram's points). */
    public record Result(double ece, int n, List<Bin> bins) {

        public Result {
            bins = List.copyOf(bins);
        }
    }

    private ExpectedCalibrationError() {
    }

    /**
     * @param confidence each prediction's confidence, in [0, 1]
     * @param correct whether each prediction was right
     */
    public static Result of(double[] confidence, boolean[] correct, int bins) {
        if (confidence.length != correct.length) {
            throw new IllegalArgumentException(confidence.length + " confidences but " + correct.length + " outcomes");
        }
        if (confidence.length == 0) {
            throw new IllegalArgumentException("no predictions to calibrate");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, was " + bins);
        }
        int[] count = new int[bins];
        double[] confidenceSum = new double[bins];
        int[] right = new int[bins];
        for (int i = 0; i < confidence.length; i++) {
            double c = confidence[i];
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidence " + c + " at " + i + " is not in [0, 1]");
            }
            int b = Math.max(0, Math.min(bins - 1, (int) Math.ceil(c * bins) - 1));
            count[b]++;
            confidenceSum[b] += c;
            right[b] += correct[i] ? 1 : 0;
        }
        double ece = 0;
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double meanConfidence = count[b] == 0 ? Double.NaN : confidenceSum[b] / count[b];
            double accuracy = count[b] == 0 ? Double.NaN : (double) right[b] / count[b];
            if (count[b] > 0) {
                ece += (double) count[b] / confidence.length * Math.abs(accuracy - meanConfidence);
            }
            out.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], meanConfidence, accuracy));
        }
        return new Result(ece, confidence.length, out);
    }
}
