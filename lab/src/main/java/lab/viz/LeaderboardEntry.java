package lab.viz;

/**
 * One ranked run.
 *
 * @param rank          1 for the best; tied metric values share a rank and the next rank skips
 *                      (1, 2, 2, 4), so a rank always says how many runs did strictly better
 * @param metricValue   the run's value of the ranking metric
 * @param paretoOptimal true when no other run is at least as good on the metric and at least as fast,
 *                      and strictly better on one of the two
 */
public record LeaderboardEntry(int rank, RunSummary run, double metricValue, boolean paretoOptimal) {
}
