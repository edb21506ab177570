package lab.experiments.metrics;

/**
 * What {@link AnswerMetrics} reads from one forward of one prompt, whether the answers are one
 * token or several.
 *
 * @param firstLogProbs log-softmax of the logits at the first answer position (the prompt's last
 *     token) [vocab]: the distribution kl and acc_flip_rate compare
 * @param firstTop the top-1 token there
 * @param answerDiff score(target) - score(foil): the logit difference for one-token answers, the
 *     difference of summed log-probabilities under teacher forcing for answer spans
 * @param targetLogProb log-probability of the whole target (one token or the summed span): p_drop's
 *     probability is its exp
 */
public record AnswerReading(double[] firstLogProbs, int firstTop, double answerDiff, double targetLogProb) {

    public AnswerReading {
        firstLogProbs = firstLogProbs.clone();
    }

    @Override
    public double[] firstLogProbs() {
        return firstLogProbs.clone();
    }

    /** One-token answers read from the logits at the answer position [vocab]. */
    public static AnswerReading ofTokens(float[] logits, long target, long foil) {
        double[] logProbs = logSoftmax(logits);
        return new AnswerReading(logProbs, argMax(logits), (double) logits[(int) target] - logits[(int) foil],
                logProbs[(int) target]);
    }

    /**
     * Answer spans under teacher forcing.
     *
     * @param targetLogits logits at the positions predicting each target token [target length][vocab]
     *     (position 0 is the prompt's last token)
     * @param foilLogits the same for the foil's own sequence; its position 0 sees the same prefix as
     *     the target's, so the first-position distribution is read from the target's
     */
    public static AnswerReading ofSpans(float[][] targetLogits, long[] target, float[][] foilLogits, long[] foil) {
        double[] first = logSoftmax(targetLogits[0]);
        double targetLogProb = spanLogProb(targetLogits, target);
        return new AnswerReading(first, argMax(targetLogits[0]), targetLogProb - spanLogProb(foilLogits, foil),
                targetLogProb);
    }

    /** sum_i log p(tokens[i] | prefix, tokens[..i]), with {@code logits[i]} the logits predicting tokens[i]. */
    static double spanLogProb(float[][] logits, long[] tokens) {
        if (logits.length < tokens.length) {
            throw new IllegalArgumentException(tokens.length + " answer tokens but logits at only " + logits.length
                    + " positions");
        }
        double sum = 0;
        for (int i = 0; i < tokens.length; i++) {
            sum += logSoftmax(logits[i])[(int) tokens[i]];
        }
        return sum;
    }

    /** log_softmax of one position's logits, in double precision. */
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
