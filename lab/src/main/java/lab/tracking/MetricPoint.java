package lab.tracking;

import java.util.Objects;

/**
 * One value of a metric: summary metrics use a single point (step 0), step series one point per
 * step. The timestamp is wall-clock milliseconds since the epoch, as MLflow stores it.
 */
public record MetricPoint(String key, double value, long step, long timestampMillis) {

    public MetricPoint {
        Objects.requireNonNull(key, "metric key");
        if (timestampMillis < 0) {
            // MLflow rejects negative timestamps ("Timestamp must be a nonnegative long").
            throw new IllegalArgumentException(
                    "metric '" + key + "': timestamp must be >= 0, got " + timestampMillis);
        }
    }

    /** A point stamped with the current time. */
    public static MetricPoint of(String key, double value, long step) {
        return new MetricPoint(key, value, step, System.currentTimeMillis());
    }
}
