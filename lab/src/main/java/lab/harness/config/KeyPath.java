package lab.harness.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A location in a config: object keys ({@code String}) and array indexes ({@code Integer}).
 * Written {@code experiment.scales} or {@code experiment.heads[0][1]} in messages; overrides use
 * the dotted form ({@code seeds.0=5} addresses an array element).
 */
public final class KeyPath {

    private KeyPath() {
    }

    /** Splits an override key {@code a.b.0.c}: numeric segments stay strings; {@link Overrides} decides. */
    public static List<String> split(String dotted) {
        List<String> parts = new ArrayList<>();
        for (String part : dotted.split("\\.", -1)) {
            parts.add(part);
        }
        return parts;
    }

    public static String format(List<?> path) {
        StringBuilder s = new StringBuilder();
        for (Object element : path) {
            if (element instanceof Integer index) {
                s.append('[').append(index).append(']');
            } else {
                if (s.length() > 0) {
                    s.append('.');
                }
                s.append(element);
            }
        }
        return s.toString();
    }

    /** {@code format}, or "the top level" for the root. */
    public static String describe(List<?> path) {
        return path.isEmpty() ? "the top level" : format(path);
    }
}
