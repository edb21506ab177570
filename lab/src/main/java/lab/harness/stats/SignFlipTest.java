package lab.harness.stats;

import java.util.Random;

/**
 * Paired permutation (sign-flip) test of H0: the A - B differences are symmetric about zero.
 *
 * <p>Statistic T = |sum_i d_i| with d_i = a_i - b_i (equivalent to |mean| for fixed n). Under H0
 * each d_i is equally likely to have either sign, so the null distribution is that of
 * |sum_i s_i d_i| over sign vectors s in {-1, +1}^n. Two-sided p-value:
 * <ul>
 *   <li>exact, when 2^n <= {@code permutations}: #{s : T(s) >= T_obs} / 2^n (the identity
 *       assignment is one of them, so p >= 2^-n);</li>
 *   <li>otherwise Monte Carlo with {@code permutations} random sign vectors from a seeded
 *       {@link Random}: (1 + #{T(s) >= T_obs}) / (permutations + 1), which is never 0 and is a
 *       valid p-value.</li>
 * </ul>
 * T(s) >= T_obs is judged with a relative tolerance of 1e-9 so that sums equal in exact arithmetic
 * but differing in rounding count as ties, as they must. Identical runs give T_obs = 0 and p = 1.
 */
public final class SignFlipTest {

    public static final int DEFAULT_PERMUTATIONS = 10_000;
    private static final double RELATIVE_TIE_TOLERANCE = 1e-9;

    private SignFlipTest() {
    }

    /**
     * @param meanDifference mean(A - B)
     * @param pValue         two-sided p-value
     * @param exact          whether all 2^n sign vectors were enumerated
     * @param permutations   number of sign vectors evaluated
     */
    public record Result(double meanDifference, double pValue, boolean exact, long permutations) {
    }

    public static Result test(PairedSamples pairs, int permutations, long seed) {
        if (permutations < 1) {
            throw new IllegalArgumentException("permutations must be >= 1, was " + permutations);
        }
        double[] d = pairs.differences();
        int n = d.length;
        if (n == 0) {
            throw new IllegalArgumentException("no pairs to test");
        }
        double observed = Math.abs(sum(d));
        double scale = 0.0;
        for (double v : d) {
            scale += Math.abs(v);
        }
        double threshold = observed - RELATIVE_TIE_TOLERANCE * scale;
        double meanDifference = PairedSamples.mean(d);

        if (n < 31 && (1L << n) <= permutations) {
            long total = 1L << n;
            long atLeast = 0;
            for (long mask = 0; mask < total; mask++) {
                double s = 0.0;
                for (int i = 0; i < n; i++) {
                    s += ((mask >>> i) & 1L) == 0 ? d[i] : -d[i];
                }
                if (Math.abs(s) >= threshold) {
                    atLeast++;
                }
            }
            return new Result(meanDifference, (double) atLeast / total, true, total);
        }

        Random random = new Random(seed);
        long atLeast = 0;
        for (int r = 0; r < permutations; r++) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += random.nextBoolean() ? d[i] : -d[i];
            }
            if (Math.abs(s) >= threshold) {
                atLeast++;
            }
        }
        return new Result(meanDifference, (1.0 + atLeast) / (permutations + 1.0), false, permutations);
    }

    /** Convenience for raw arrays; rejects NaN (see {@link PairedSamples}). */
    public static Result test(double[] a, double[] b, int permutations, long seed) {
        return test(PairedSamples.of(a, b), permutations, seed);
    }

    private static double sum(double[] values) {
        double s = 0.0;
        for (double v : values) {
            s += v;
        }
        return s;
    }
}
