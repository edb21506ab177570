package lab.harness.stats;

/**
 * Mean, sample standard deviation and Student-t confidence interval of a small sample.
 *
 * <p>Definitions, for values x_1..x_n: mean = (1/n) sum x_i; std = sqrt(sum (x_i - mean)^2 / (n-1))
 * (the unbiased-variance "sample" std, NaN for n = 1); the interval is
 * mean -/+ t_{(1+level)/2, n-1} * std / sqrt(n). It assumes the x_i are independent draws from a
 * roughly normal distribution; with n = 1 there is no spread estimate, so std, low and high are NaN.
 *
 * @param mean   the arithmetic mean (NaN when n = 0)
 * @param std    the sample standard deviation, n-1 denominator (NaN when n < 2)
 * @param n      the number of values
 * @param low    lower end of the interval (NaN when n < 2)
 * @param high   upper end of the interval (NaN when n < 2)
 * @param level  the confidence level, e.g. 0.95
 */
public record MeanConfidenceInterval(double mean, double std, int n, double low, double high, double level) {

    /**
     * Computes the statistics of {@code values}.
     *
     * @throws IllegalArgumentException if a value is NaN (callers decide how missing values are
     *                                  handled, and must say so) or level is not in (0, 1)
     */
    public static MeanConfidenceInterval of(double[] values, double level) {
        if (!(level > 0.0 && level < 1.0)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), was " + level);
        }
        int n = values.length;
        double sum = 0.0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("NaN value; remove missing values before calling");
            }
            sum += v;
        }
        if (n == 0) {
            return new MeanConfidenceInterval(Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, level);
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanConfidenceInterval(mean, Double.NaN, 1, Double.NaN, Double.NaN, level);
        }
        // Two-pass variance: numerically safer than sum-of-squares for values far from zero.
        double squares = 0.0;
        for (double v : values) {
            double d = v - mean;
            squares += d * d;
        }
        double std = Math.sqrt(squares / (n - 1));
        double halfWidth = StudentT.twoSidedCritical(level, n - 1) * std / Math.sqrt(n);
        return new MeanConfidenceInterval(mean, std, n, mean - halfWidth, mean + halfWidth, level);
    }

    /** Half the interval's width (NaN when there is no interval). */
    public double halfWidth() {
        return (high - low) / 2.0;
    }

    /** Whether an interval could be computed (needs at least two values). */
    public boolean hasInterval() {
        return n >= 2;
    }
}
