package lab.harness.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * McNemar's test for paired binary outcomes, e.g. "example answered correctly" in run A vs run B.
 *
 * <p>Only discordant pairs carry information: b = #(A true, B false), c = #(A false, B true).
 * Under H0 (same success rate) each discordant pair is A-favoured with probability 1/2, so:
 * <ul>
 *   <li>exact p (two-sided) = min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2);</li>
 *   <li>continuity-corrected statistic chi2 = max(0, |b - c| - 1)^2 / (b + c), p from the
 *       chi-square distribution with 1 df. The max(0, .) keeps b = c from getting chi2 > 0.</li>
 * </ul>
 * With no discordant pairs (b + c = 0) both p-values are 1 and the statistic is 0. Prefer the exact
 * p for b + c < 25, where the chi-square approximation is poor.
 */
public final class McNemarTest {

    private McNemarTest() {
    }

    /**
     * @param b         pairs where A is true and B false
     * @param c         pairs where A is false and B true
     * @param exactP    two-sided exact binomial p-value
     * @param chiSquare continuity-corrected statistic
     * @param chiSquareP p-value of the corrected statistic (chi-square, 1 df)
     */
    public record Result(int b, int c, double exactP, double chiSquare, double chiSquareP) {
    }

    /** From paired outcomes; a[i] and b[i] are the same example in runs A and B. */
    public static Result test(boolean[] a, boolean[] b) {
        PairedSamples.requireSameLength(a.length, b.length);
        int aOnly = 0;
        int bOnly = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && !b[i]) {
                aOnly++;
            } else if (!a[i] && b[i]) {
                bOnly++;
            }
        }
        return fromDiscordantCounts(aOnly, bOnly);
    }

    public static Result fromDiscordantCounts(int b, int c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("counts must be non-negative: b=" + b + ", c=" + c);
        }
        int n = b + c;
        if (n == 0) {
            return new Result(b, c, 1.0, 0.0, 1.0);
        }
        double exact = Math.min(1.0, 2.0 * binomialHalfCdf(Math.min(b, c), n));
        double excess = Math.max(0.0, Math.abs(b - c) - 1.0);
        double chi2 = excess * excess / n;
        double chi2P = chi2 == 0.0 ? 1.0 : 1.0 - new ChiSquaredDistribution(null, 1.0).cumulativeProbability(chi2);
        return new Result(b, c, exact, chi2, chi2P);
    }

    /**
     * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so that n in the thousands neither
     * overflows the binomial coefficients nor underflows 2^-n.
     */
    static double binomialHalfCdf(int k, int n) {
        double logTwoN = n * Math.log(2.0);
        double logC = 0.0; // log C(n, 0)
        double sum = 0.0;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logC += Math.log(n - i + 1) - Math.log(i);
            }
            sum += Math.exp(logC - logTwoN);
        }
        return Math.min(1.0, sum);
    }
}
