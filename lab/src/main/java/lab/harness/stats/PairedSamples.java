package lab.harness.stats;

import java.util.Arrays;

/**
 * Paired per-example values from two runs (run A and run B, same examples in the same order) and
 * their differences A - B. Checks the pairing once so the tests below can assume it.
 *
 * <p>NaN is rejected rather than skipped: whether a NaN metric means "drop this example from both
 * runs" is the caller's decision, made explicit with {@link #dropIncompletePairs}.
 */
public final class PairedSamples {

    private final double[] a;
    private final double[] b;

    private PairedSamples(double[] a, double[] b) {
        this.a = a;
        this.b = b;
    }

    /** @throws IllegalArgumentException on different lengths or any NaN */
    public static PairedSamples of(double[] a, double[] b) {
        requireSameLength(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                throw new IllegalArgumentException(
                        "NaN at pair " + i + "; call dropIncompletePairs first if that is intended");
            }
        }
        return new PairedSamples(a.clone(), b.clone());
    }

    /** Keeps only pairs where both values are non-NaN, preserving order. */
    public static PairedSamples dropIncompletePairs(double[] a, double[] b) {
        requireSameLength(a.length, b.length);
        double[] keptA = new double[a.length];
        double[] keptB = new double[b.length];
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
                keptA[n] = a[i];
                keptB[n] = b[i];
                n++;
            }
        }
        return new PairedSamples(Arrays.copyOf(keptA, n), Arrays.copyOf(keptB, n));
    }

    static void requireSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("paired samples must have equal length, got " + a + " and " + b);
        }
    }

    public int size() {
        return a.length;
    }

    public double[] a() {
        return a.clone();
    }

    public double[] b() {
        return b.clone();
    }

    /** d_i = a_i - b_i. */
    public double[] differences() {
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /** mean(a - b); NaN for no pairs. */
    public double meanDifference() {
        return mean(differences());
    }

    static double mean(double[] values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
