package lab.harness.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Spearman's rank correlation (Pearson's correlation of average ranks, so ties share their mean
 * rank) and Pearson's correlation of two equally long arrays. A constant array has no ranking:
 * both give NaN then, rather than a number that would read as agreement or disagreement.
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    public static double spearman(double[] a, double[] b) {
        requirePaired(a, b);
        return pearson(averageRanks(a), averageRanks(b));
    }

    public static double pearson(double[] a, double[] b) {
        requirePaired(a, b);
        double ma = mean(a);
        double mb = mean(b);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Double.NaN;
    }

    /** Ranks 1..n; equal values get the mean of the ranks they span. */
    static double[] averageRanks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static void requirePaired(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("a correlation needs two arrays of one length >= 2, got " + a.length + " and " + b.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                throw new IllegalArgumentException("NaN at index " + i + "; drop incomplete pairs first");
            }
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
