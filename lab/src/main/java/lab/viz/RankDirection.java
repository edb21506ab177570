package lab.viz;

/** Which way a leaderboard metric is better. */
public enum RankDirection {
    /** Lower is better (loss, perplexity, error). */
    ASCENDING,
    /** Higher is better (accuracy, logit difference recovered). */
    DESCENDING;

    /** True when {@code a} is at least as good as {@code b}. */
    boolean atLeastAsGood(double a, double b) {
        return this == ASCENDING ? a <= b : a >= b;
    }

    /** Orders values best first. */
    int compareBestFirst(double a, double b) {
        return this == ASCENDING ? Double.compare(a, b) : Double.compare(b, a);
    }

    String lowerCaseName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
