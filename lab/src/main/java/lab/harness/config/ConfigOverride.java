package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One {@code key.path=value} from the command line. The value is JSON when it parses as JSON
 * ({@code seeds=[0,1]}, {@code output.mlflow=false}, {@code data.n_examples=16}), else the text
 * as a string ({@code name=h1_quick}, {@code model.device=cpu}).
 *
 * @param key dotted path, e.g. {@code experiment.scales}
 * @param value the parsed value
 * @param text the argument as given, for messages and the re-run command line
 */
public record ConfigOverride(String key, JsonNode value, String text) {

    public static ConfigOverride parse(String argument) {
        int eq = argument.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("override '" + argument + "': expected key.path=value (e.g. seeds=[0,1] or "
                    + "model.device=cpu)");
        }
        String key = argument.substring(0, eq).strip();
        if (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
            throw new ConfigException("override '" + argument + "': '" + key + "' is not a key path; write keys "
                    + "separated by dots, e.g. data.n_examples=16");
        }
        return new ConfigOverride(key, JsonValues.parseLenient(argument.substring(eq + 1)), argument);
    }

    public static List<ConfigOverride> parseAll(List<String> arguments) {
        return arguments.stream().map(ConfigOverride::parse).toList();
    }

    /** An override built in code (battery variants and grids). */
    public static ConfigOverride of(String key, JsonNode value) {
        return new ConfigOverride(key, value.deepCopy(), key + "=" + value);
    }

    public List<String> segments() {
        return KeyPath.split(key);
    }
}
