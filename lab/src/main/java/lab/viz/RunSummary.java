package lab.viz;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What the leaderboard knows of one run: its name, its final metric values, how long it took, and
 * any parameters worth showing beside it (learning rate, ablation type ...). Plain data; the harness
 * fills it from wherever runs are recorded.
 *
 * @param metrics         metric name to value; NaN means "not measured"
 * @param wallTimeSeconds the run's wall-clock time, finite and >= 0; the cost axis of the Pareto front
 * @param params          parameter name to its printed value
 */
public record RunSummary(String runName, Map<String, Double> metrics, double wallTimeSeconds,
                         Map<String, String> params) {

    public RunSummary {
        Objects.requireNonNull(runName, "runName");
        if (!Double.isFinite(wallTimeSeconds) || wallTimeSeconds < 0) {
            throw new IllegalArgumentException("wall time of " + runName + " must be finite and >= 0, was "
                    + wallTimeSeconds);
        }
        // Sorted copies: column order in every output must not depend on the caller's map type.
        metrics = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(metrics, "metrics")));
        params = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(params, "params")));
        metrics.forEach((k, v) -> Objects.requireNonNull(v, () -> "metric " + k + " of " + runName + " is null"));
        params.forEach((k, v) -> Objects.requireNonNull(v, () -> "param " + k + " of " + runName + " is null"));
    }

    public RunSummary(String runName, Map<String, Double> metrics, double wallTimeSeconds) {
        this(runName, metrics, wallTimeSeconds, Map.of());
    }

    /** The metric's value, empty when the run lacks it or it is NaN. */
    public OptionalDouble metric(String name) {
        Double v = metrics.get(name);
        return v == null || v.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
