package lab.harness.stats;

import java.util.Arrays;
import java.util.Random;

/**
 * Paired (case-resampling) percentile bootstrap confidence interval for mean(A - B).
 *
 * <p>Procedure: d_i = a_i - b_i; draw {@code resamples} samples of size n from d with replacement
 * (examples are resampled as pairs, so the A/B correlation is kept); the interval is the
 * (1-level)/2 and (1+level)/2 quantiles of the resampled means, using linear interpolation
 * between order statistics (Hyndman-Fan type 7, numpy's default).
 *
 * <p>Reproducible: the resampling uses {@link java.util.Random}, whose algorithm is fixed by its
 * specification, so a given seed yields the same interval on every JVM.
 */
public final class PairedBootstrap {

    /** Enough for stable 95% percentile endpoints (Monte Carlo error well below typical CI width). */
    public static final int DEFAULT_RESAMPLES = 10_000;

    private PairedBootstrap() {
    }

    /**
     * @param meanDifference mean(A - B) on the original sample
     * @param low            lower percentile endpoint
     * @param high           upper percentile endpoint
     */
    public record Interval(double meanDifference, double low, double high, double level, int resamples, long seed) {
    }

    public static Interval meanDifference(PairedSamples pairs, int resamples, double level, long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be >= 1, was " + resamples);
        }
        if (!(level > 0.0 && level < 1.0)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), was " + level);
        }
        double[] d = pairs.differences();
        int n = d.length;
        if (n == 0) {
            throw new IllegalArgumentException("no pairs to bootstrap");
        }
        Random random = new Random(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += d[random.nextInt(n)];
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double alpha = 1.0 - level;
        return new Interval(PairedSamples.mean(d),
                quantileOfSorted(means, alpha / 2.0), quantileOfSorted(means, 1.0 - alpha / 2.0),
                level, resamples, seed);
    }

    /** Convenience for raw arrays; rejects NaN (see {@link PairedSamples}). */
    public static Interval meanDifference(double[] a, double[] b, int resamples, double level, long seed) {
        return meanDifference(PairedSamples.of(a, b), resamples, level, seed);
    }

    /** Type-7 quantile: position h = (n-1)p, interpolate between floor(h) and ceil(h). */
    static double quantileOfSorted(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
