package lab.harness.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Quantiles of Student's t distribution, the multiplier of a small-sample confidence interval.
 * Delegates to commons-math3 (regularised incomplete beta inversion, accurate to ~1e-9), which is
 * already on the class path through Tablesaw; the tests pin it to printed table values.
 */
public final class StudentT {

    private StudentT() {
    }

    /**
     * The value t such that P(T <= t) = p for T ~ t(degreesOfFreedom); e.g. quantile(0.975, 10)
     * = 2.228.
     *
     * @throws IllegalArgumentException if p is not in (0, 1) or degreesOfFreedom < 1
     */
    public static double quantile(double p, int degreesOfFreedom) {
        if (!(p > 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("p must be in (0, 1), was " + p);
        }
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, was " + degreesOfFreedom);
        }
        // A null RandomGenerator: we never sample, and this skips seeding a Mersenne twister per call.
        return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(p);
    }

    /** The two-sided critical value for a {@code level} (e.g. 0.95) interval: quantile((1+level)/2, df). */
    public static double twoSidedCritical(double level, int degreesOfFreedom) {
        if (!(level > 0.0 && level < 1.0)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), was " + level);
        }
        return quantile((1.0 + level) / 2.0, degreesOfFreedom);
    }
}
