package lab.experiments.metrics;

import java.util.List;
import java.util.Set;

/**
 * The metrics of one intervention on one example, read against the clean run. Computed in double
 * precision from {@link AnswerReading}s, so one-token answers and answer spans (several tokens,
 * scored under teacher forcing) share every definition:
 *
 * <ul>
 *   <li>{@code logit_diff}: intervened score(target) - score(foil): logit(target) - logit(foil) for
 *       one-token answers, log p(target span) - log p(foil span) (each summed over its tokens) for
 *       spans; {@code clean_logit_diff} is the same on the clean run, the baseline it is read against;
 *   <li>{@code kl}: KL(clean || intervened) of the next-token distributions at the first answer
 *       position (the prompt's last token), in nats;
 *   <li>{@code acc_flip_rate}: 1 if the top-1 token there changed, else 0 (its mean over examples is
 *       the rate);
 *   <li>{@code p_drop}: p_clean(target) - p_intervened(target), for a span the probability of the
 *       whole span (the product over its tokens).
 * </ul>
 */
public final class AnswerMetrics {

    public static final String LOGIT_DIFF = "logit_diff";
    public static final String CLEAN_LOGIT_DIFF = "clean_logit_diff";
    public static final String KL = "kl";
    public static final String ACC_FLIP_RATE = "acc_flip_rate";
    public static final String P_DROP = "p_drop";

    /** Every metric a run config may name. */
    public static final List<String> ALL = List.of(LOGIT_DIFF, KL, ACC_FLIP_RATE, P_DROP);

    /**
     * Metrics that cannot be negative (a divergence, a rate), so their maps are read from zero up;
     * every other column (logit_diff, its change, p_drop = a difference of probabilities) is signed.
     */
    private static final Set<String> NON_NEGATIVE = Set.of(KL, ACC_FLIP_RATE);

    private final AnswerReading clean;
    private final long target;
    private final long foil;

    /** @param cleanLogits last-position logits of the clean run [vocab]; target and foil one token each */
    public AnswerMetrics(float[] cleanLogits, long target, long foil) {
        this.clean = AnswerReading.ofTokens(cleanLogits, target, foil);
        this.target = target;
        this.foil = foil;
    }

    /** Metrics read against a clean reading of any answer kind; intervened runs then come as readings too. */
    public AnswerMetrics(AnswerReading clean) {
        this.clean = clean;
        this.target = -1;
        this.foil = -1;
    }

    /** True for a metric whose values are never negative; false for signed ones and names it does not know. */
    public static boolean isNonNegative(String metric) {
        return NON_NEGATIVE.contains(metric);
    }

    public double cleanLogitDiff() {
        return clean.answerDiff();
    }

    /** The value of {@code metric} for the intervened last-position logits (one-token answers). */
    public double value(String metric, float[] logits) {
        if (target < 0) {
            throw new IllegalStateException("these metrics were made from a reading; pass the intervened run as an"
                    + " AnswerReading too");
        }
        return value(metric, AnswerReading.ofTokens(logits, target, foil));
    }

    /** The value of {@code metric} for an intervened run read the same way as the clean one. */
    public double value(String metric, AnswerReading intervened) {
        return switch (metric) {
            case LOGIT_DIFF -> intervened.answerDiff();
            case KL -> kl(intervened.firstLogProbs());
            case ACC_FLIP_RATE -> intervened.firstTop() == clean.firstTop() ? 0.0 : 1.0;
            case P_DROP -> Math.exp(clean.targetLogProb()) - Math.exp(intervened.targetLogProb());
            default -> throw new IllegalArgumentException("unknown metric '" + metric + "'; known: " + ALL);
        };
    }

    /** The value of each of {@code metrics} for the intervened logits, in that order. */
    public java.util.Map<String, Double> values(java.util.List<String> metrics, float[] logits) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String metric : metrics) {
            out.put(metric, value(metric, logits));
        }
        return out;
    }

    /** The value of each of {@code metrics} for the intervened reading, in that order. */
    public java.util.Map<String, Double> values(java.util.List<String> metrics, AnswerReading intervened) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String metric : metrics) {
            out.put(metric, value(metric, intervened));
        }
        return out;
    }

    private double kl(double[] logQ) {
        double[] logP = clean.firstLogProbs();
        double sum = 0;
        for (int i = 0; i < logQ.length; i++) {
            double p = Math.exp(logP[i]);
            if (p > 0) {
                sum += p * (logP[i] - logQ[i]);
            }
        }
        // rounding can leave a tiny negative for identical distributions
        return Math.max(0.0, sum);
    }
}
