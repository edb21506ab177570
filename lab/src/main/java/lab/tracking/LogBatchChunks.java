package lab.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits what goes into MLflow's {@code runs/log-batch} call into requests the server accepts:
 * at most 1000 metrics, 100 params and 100 tags per request, and at most 1,000,000 characters of
 * JSON (mlflow/utils/validation.py). Each request carries one kind only, so the limits apply
 * separately.
 */
final class LogBatchChunks {

    static final int MAX_METRICS = 1000;
    static final int MAX_PARAMS_OR_TAGS = 100;
    /** Below MLflow's 1,000,000 so the envelope (run_id, field names) always fits. */
    static final long MAX_JSON_CHARS = 900_000;

    private LogBatchChunks() {
    }

    /** {@code items} in order, cut into runs of at most {@code maxCount} and {@code maxChars}. */
    static <T> List<List<T>> split(List<T> items, int maxCount, long maxChars,
            ToLongFunction<T> jsonChars) {
        List<List<T>> chunks = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long size = 0;
        for (T item : items) {
            long itemSize = jsonChars.applyAsLong(item);
            if (!current.isEmpty() && (current.size() == maxCount || size + itemSize > maxChars)) {
                chunks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(item);
            size += itemSize;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    /**
     * An upper bound on the JSON length of a key/value entry: quotes, field names and
     * separators, plus each character as the JSON printer may escape it (up to "\\uXXXX").
     */
    static long entryJsonChars(String key, String value) {
        return 40 + escapedLength(key) + escapedLength(value);
    }

    private static long escapedLength(String s) {
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && "<>&='".indexOf(c) < 0) ? 1 : 6;
        }
        return n;
    }
}
