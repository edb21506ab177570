package lab.experiments.metrics;

/**
 * The metrics of one intervention on one example, from the last-position logits of the clean run
 * and of the intervened run. Computed in double precision.
 *
 * <ul>
 *   <li>{@code logit_diff}: intervened logit(target) - logit(foil); {@code clean_logit_diff} is the
 *       same on the clean run, the baseline it is read against;
 *   <li>{@code kl}: KL(clean || intervened) of the next-token distributions, in nats;
 *   <li>{@code acc_flip_rate}: 1 if the top-1 token changed, else 0 (its mean over examples is the rate);
 *   <li>{@code p_drop}: p_clean(target) - p_intervened(target).
 * </ul>
 */
public final class AnswerMetrics {

    public static final String LOGIT_DIFF = "logit_diff";
    public static final String CLEAN_LOGIT_DIFF = "clean_logit_diff";
    public static final String KL = "kl";
    public static final String ACC_FLIP_RATE = "acc_flip_rate";
    public static final String P_DROP = "p_drop";

    /** Every metric a run config may name. */
    public static final java.util.List<String> ALL = java.util.List.of(LOGIT_DIFF, KL, ACC_FLIP_RATE, P_DROP);

    private final double[] cleanLogProbs;
    private final int cleanTop;
    private final double cleanLogitDiff;
    private final int target;
    private final int foil;

    /** @param cleanLogits last-position logits of the clean run [vocab] */
    public AnswerMetrics(float[] cleanLogits, long target, long foil) {
        this.target = (int) target;
        this.foil = (int) foil;
        this.cleanLogProbs = logSoftmax(cleanLogits);
        this.cleanTop = argMax(cleanLogits);
        this.cleanLogitDiff = (double) cleanLogits[this.target] - cleanLogits[this.foil];
    }

    public double cleanLogitDiff() {
        return cleanLogitDiff;
    }

    /** The value of {@code metric} for the intervened logits. */
    public double value(String metric, float[] logits) {
        return switch (metric) {
            case LOGIT_DIFF -> (double) logits[target] - logits[foil];
            case KL -> kl(logSoftmax(logits));
            case ACC_FLIP_RATE -> argMax(logits) == cleanTop ? 0.0 : 1.0;
            case P_DROP -> Math.exp(cleanLogProbs[target]) - Math.exp(logSoftmax(logits)[target]);
            default -> throw new IllegalArgumentException("unknown metric '" + metric + "'; known: " + ALL);
        };
    }

    private double kl(double[] logQ) {
        double sum = 0;
        for (int i = 0; i < logQ.length; i++) {
            double p = Math.exp(cleanLogProbs[i]);
            if (p > 0) {
                sum += p * (cleanLogProbs[i] - logQ[i]);
            }
        }
        // rounding can leave a tiny negative for identical distributions
        return Math.max(0.0, sum);
    }

    public static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
