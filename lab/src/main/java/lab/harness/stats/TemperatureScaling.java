package lab.harness.stats;

/**
 * Temperature scaling (Guo et al. 2017): one scalar T divides every logit, chosen to minimise the
 * mean negative log-likelihood of the true classes on held-out data. The NLL is convex in 1/T, so
 * unimodal in log T, and a golden-section search on log T over [{@value #MIN_T}, {@value #MAX_T}]
 * finds it; an optimum at a bound (e.g. every prediction right, which NLL rewards by sharpening
 * without end) is reported as such.
 */
public final class TemperatureScaling {

    public static final double MIN_T = 0.01;
    public static final double MAX_T = 100;
    private static final double TOLERANCE = 1e-7;
    private static final double INV_PHI = (Math.sqrt(5) - 1) / 2;

    /** The fitted temperature, the mean NLL at T = 1 and at T, and whether T sits at a search bound. */
    public record Fit(double temperature, double nllBefore, double nllAfter, boolean atBound) {
    }

    private TemperatureScaling() {
    }

    /**
     * @param logits one row of class logits per example
     * @param targets each example's true class (an index into its row)
     */
    public static Fit fit(double[][] logits, int[] targets) {
        check(logits, targets);
        double lo = Math.log(MIN_T);
        double hi = Math.log(MAX_T);
        double a = hi - INV_PHI * (hi - lo);
        double b = lo + INV_PHI * (hi - lo);
        double fa = nll(logits, targets, Math.exp(a));
        double fb = nll(logits, targets, Math.exp(b));
        while (hi - lo > TOLERANCE) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - INV_PHI * (hi - lo);
                fa = nll(logits, targets, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + INV_PHI * (hi - lo);
                fb = nll(logits, targets, Math.exp(b));
            }
        }
        double t = Math.exp((lo + hi) / 2);
        boolean atBound = Math.log(t) - Math.log(MIN_T) < 1e-4 || Math.log(MAX_T) - Math.log(t) < 1e-4;
        return new Fit(t, nll(logits, targets, 1), nll(logits, targets, t), atBound);
    }

    /** Mean negative log-likelihood of the targets under softmax(logits / t). */
    public static double nll(double[][] logits, int[] targets, double t) {
        check(logits, targets);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum += logSumExp(logits[i], t) - logits[i][targets[i]] / t;
        }
        return sum / logits.length;
    }

    /** The largest probability of softmax(logits / t): the top-1 prediction's confidence. */
    public static double topProbability(double[] logits, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        return Math.exp(max / t - logSumExp(logits, t));
    }

    /** The index of the largest logit (the first of ties): the top-1 prediction, whatever the temperature. */
    public static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double logSumExp(double[] logits, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z / t);
        }
        double sum = 0;
        for (double z : logits) {
            sum += Math.exp(z / t - max);
        }
        return max + Math.log(sum);
    }

    private static void check(double[][] logits, int[] targets) {
        if (logits.length != targets.length || logits.length == 0) {
            throw new IllegalArgumentException("need one target per logit row and at least one row: " + logits.length
                    + " rows, " + targets.length + " targets");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= logits[i].length) {
                throw new IllegalArgumentException("target " + targets[i] + " of row " + i + " is not one of its "
                        + logits[i].length + " classes");
            }
        }
    }
}
