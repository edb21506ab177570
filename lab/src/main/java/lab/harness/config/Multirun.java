package lab.harness.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code -m key=a,b,c} sweeps. Each sweep lists values separated by top-level commas (commas
 * inside brackets, braces or quotes belong to the value: {@code -m seeds=[0,1],[2,3]} is two
 * values); each value is parsed like an {@link ConfigOverride}. Several sweeps give their cartesian
 * product, the first sweep varying slowest (as Hydra's multirun).
 */
public final class Multirun {

    private Multirun() {
    }

    /**
     * The combinations to run: one list of overrides per run, to apply after the plain overrides.
     * No sweeps gives one empty combination (a single run).
     */
    public static List<List<ConfigOverride>> expand(List<String> sweeps) {
        List<List<ConfigOverride>> combinations = new ArrayList<>();
        combinations.add(List.of());
        for (String sweep : sweeps) {
            List<ConfigOverride> choices = choices(sweep);
            List<List<ConfigOverride>> next = new ArrayList<>();
            for (List<ConfigOverride> prefix : combinations) {
                for (ConfigOverride choice : choices) {
                    List<ConfigOverride> combination = new ArrayList<>(prefix);
                    combination.add(choice);
                    next.add(List.copyOf(combination));
                }
            }
            combinations = next;
        }
        return List.copyOf(combinations);
    }

    /** The overrides one sweep {@code key=a,b,c} stands for. */
    public static List<ConfigOverride> choices(String sweep) {
        int eq = sweep.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("-m '" + sweep + "': expected key.path=value1,value2,... (e.g. -m "
                    + "experiment.scales=[0.0],[0.5])");
        }
        String key = sweep.substring(0, eq);
        List<ConfigOverride> choices = new ArrayList<>();
        for (String value : splitTopLevel(sweep.substring(eq + 1), sweep)) {
            choices.add(ConfigOverride.parse(key + "=" + value));
        }
        return choices;
    }

    static List<String> splitTopLevel(String values, String sweep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < values.length(); i++) {
            char c = values.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < values.length()) {
                    current.append(c).append(values.charAt(++i));
                    continue;
                }
                quoted = c != '"';
            } else if (c == '"') {
                quoted = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (quoted || depth != 0) {
            throw new ConfigException("-m '" + sweep + "': unbalanced quotes or brackets in the values");
        }
        parts.add(current.toString());
        return parts;
    }
}
