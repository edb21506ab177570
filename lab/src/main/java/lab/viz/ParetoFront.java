package lab.viz;

/**
 * The runs worth their cost: those that no other run dominates on (metric, wall time). Run j
 * dominates run i when j's metric is at least as good and j is at least as fast, and j is strictly
 * better on one of the two. Identical runs do not dominate each other, so both stay on the front.
 */
final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * @return for each run, whether it is on the front. Quadratic, which is fine for leaderboards
     *         of thousands of runs and keeps the rule visibly the same as its definition.
     */
    static boolean[] membership(double[] metric, double[] wallTime, RankDirection direction) {
        if (metric.length != wallTime.length) {
            throw new IllegalArgumentException("metric and wall time lengths differ");
        }
        int n = metric.length;
        boolean[] onFront = new boolean[n];
        for (int i = 0; i < n; i++) {
            onFront[i] = true;
            for (int j = 0; j < n && onFront[i]; j++) {
                if (j != i && dominates(metric[j], wallTime[j], metric[i], wallTime[i], direction)) {
                    onFront[i] = false;
                }
            }
        }
        return onFront;
    }

    static boolean dominates(double metricA, double timeA, double metricB, double timeB, RankDirection direction) {
        boolean atLeastAsGood = direction.atLeastAsGood(metricA, metricB) && timeA <= timeB;
        boolean strictlyBetter = metricA != metricB || timeA < timeB;
        return atLeastAsGood && strictlyBetter;
    }
}
