package lab.runtime;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One intervention at one hook point: a function from the activation to the activation that
 * flows on. A reading hook returns its input unchanged.
 *
 * <p>A hook may be limited to some batch rows: its function then sees each of those rows alone,
 * as a batch of one (same rank), and must return that shape. That is how one forward pass
 * carries many different interventions, one per row.
 *
 * <p>The returned array should be computed from the activation it was given (e.g. {@code
 * x.mul(mask)}, not {@code mask.mul(x)}): DJL places a result in the manager of the array the
 * operation is called on, and only then does the forward's scope free it. {@link Interventions}
 * builds functions that follow this rule.
 */
public record Hook(String name, int[] rows, UnaryOperator<NDArray> fn) {

    public Hook {
        Objects.requireNonNull(name, "hook name");
        Objects.requireNonNull(fn, "hook function");
        if (rows != null) {
            rows = rows.clone();
            Arrays.sort(rows);
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] < 0 || (i > 0 && rows[i] == rows[i - 1])) {
                    throw new IllegalArgumentException("hook rows must be distinct and >= 0: " + Arrays.toString(rows));
                }
            }
        }
    }

    /** A hook that replaces the whole activation with {@code fn(activation)}. */
    public static Hook replacing(String name, UnaryOperator<NDArray> fn) {
        return new Hook(name, null, fn);
    }

    /** A hook that replaces only the given batch rows with {@code fn(those rows)}. */
    public static Hook replacingRows(String name, int[] rows, UnaryOperator<NDArray> fn) {
        return new Hook(name, Objects.requireNonNull(rows, "rows"), fn);
    }

    /** A hook that looks at the activation and leaves it as it is. */
    public static Hook reading(String name, Consumer<NDArray> reader) {
        return new Hook(name, null, x -> {
            reader.accept(x);
            return x;
        });
    }

    /** Whether this hook acts on chosen rows rather than the whole batch. */
    public boolean perRow() {
        return rows != null;
    }

    @Override
    public int[] rows() {
        return rows == null ? null : rows.clone();
    }

    boolean coversRow(int row) {
        return rows == null || Arrays.binarySearch(rows, row) >= 0;
    }
}
