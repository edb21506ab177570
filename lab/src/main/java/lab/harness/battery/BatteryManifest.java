package lab.harness.battery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * A battery directory's {@code manifest.json}: which runs the battery holds, by task index.
 *
 * @param battery the battery's name
 * @param batteryFile the battery file it was expanded from
 * @param baseDir the folder relative paths in the run configs resolve against (the submitting
 *     process's working directory)
 * @param createdAt ISO-8601 UTC
 * @param runs one entry per run, index 0, 1, ... in expansion order
 */
public record BatteryManifest(
        @JsonProperty("battery") String battery,
        @JsonProperty("battery_file") String batteryFile,
        @JsonProperty("base_dir") String baseDir,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("runs") List<Entry> runs) {

    public BatteryManifest {
        runs = List.copyOf(runs);
    }

    /**
     * One run.
     *
     * @param config the resolved config, relative to the battery directory ({@code configs/3.json})
     * @param existingRun with {@code --skip-existing}: the FINISHED run directory of the same config
     *     found when the battery was planned; such a run is not submitted
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @JsonProperty("index") int index,
            @JsonProperty("name") String name,
            @JsonProperty("config_hash") String configHash,
            @JsonProperty("config") String config,
            @JsonProperty("existing_run") String existingRun) {

        public Optional<String> existing() {
            return Optional.ofNullable(existingRun);
        }
    }

    /** The entry of a task index; a clear error naming the valid range otherwise. */
    public Entry entry(int index) {
        if (index < 0 || index >= runs.size()) {
            throw new IllegalArgumentException("task index " + index + " is not in this battery (it has tasks 0 to "
                    + (runs.size() - 1) + ")");
        }
        return runs.get(index);
    }

    /** Indices of the runs still to be run (not found finished when planned). */
    public List<Integer> toRun() {
        return runs.stream().filter(e -> e.existing().isEmpty()).map(Entry::index).toList();
    }
}
