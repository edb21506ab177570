package lab.harness.battery;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import lab.harness.config.ConfigException;

/**
 * {@code harness battery} flags.
 *
 * @param filter {@code --filter REGEX}: only runs whose name the pattern finds a match in
 * @param maxRuns {@code --max-runs N}: launch at most N runs (runs skipped as existing do not count)
 * @param skipExisting {@code --skip-existing}: skip a run whose resolved config already has a
 *     FINISHED run directory under its {@code output.root}
 * @param dryRun {@code --dry-run}: plan and list, launch nothing
 */
public record BatteryOptions(Optional<Pattern> filter, OptionalInt maxRuns, boolean skipExisting, boolean dryRun) {

    public BatteryOptions {
        if (maxRuns.isPresent() && maxRuns.getAsInt() < 0) {
            throw new ConfigException("--max-runs " + maxRuns.getAsInt() + ": give 0 or more");
        }
    }

    public static BatteryOptions all() {
        return new BatteryOptions(Optional.empty(), OptionalInt.empty(), false, false);
    }

    /** Parses a {@code --filter} regex; a bad one is a {@link ConfigException} quoting it. */
    public static Pattern filterPattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("--filter '" + regex + "': not a valid regular expression: " + e.getDescription());
        }
    }

    public BatteryOptions withFilter(String regex) {
        return new BatteryOptions(Optional.of(filterPattern(regex)), maxRuns, skipExisting, dryRun);
    }

    public BatteryOptions withMaxRuns(int n) {
        return new BatteryOptions(filter, OptionalInt.of(n), skipExisting, dryRun);
    }

    public BatteryOptions withSkipExisting(boolean skip) {
        return new BatteryOptions(filter, maxRuns, skip, dryRun);
    }

    public BatteryOptions withDryRun(boolean dry) {
        return new BatteryOptions(filter, maxRuns, skipExisting, dry);
    }
}
