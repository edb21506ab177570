package lab.viz;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one run's HTML page shows, as plain data.
 *
 * @param runName   page heading
 * @param metadata  key/value facts shown under the heading in the given order (config hash, seeds,
 *                  model, commit ...)
 * @param summary   rows of the summary table, in the given order
 * @param ciLabel   heading of the interval column, e.g. "95% CI (bootstrap)"
 * @param heatmaps  drawn in the given order
 * @param topEffects the conditions with the largest effects, shown after the heatmaps; {@link EffectTable#none()} for none
 * @param patterns  attention patterns of the clean run on a few examples (the same heads in each; a
 *                  head opens on a click in a layer x head map); empty for none
 * @param calibration reliability diagrams (e.g. the clean run's before and after temperature scaling); empty for none
 */
public record RunReport(String runName, Map<String, String> metadata, List<SummaryRow> summary,
                        String ciLabel, List<HeatmapData> heatmaps, EffectTable topEffects,
                        List<AttentionPatterns> patterns, List<ReliabilityDiagram> calibration) {

    public RunReport {
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(ciLabel, "ciLabel");
        Objects.requireNonNull(metadata, "metadata");
        // Map.copyOf would lose the caller's order, which is part of the presentation.
        LinkedHashMap<String, String> ordered = new LinkedHashMap<>();
        metadata.forEach((k, v) -> ordered.put(Objects.requireNonNull(k, "metadata key"),
                Objects.requireNonNull(v, () -> "metadata value of " + k)));
        metadata = Collections.unmodifiableMap(ordered);
        summary = List.copyOf(Objects.requireNonNull(summary, "summary"));
        heatmaps = List.copyOf(Objects.requireNonNull(heatmaps, "heatmaps"));
        Objects.requireNonNull(topEffects, "topEffects");
        patterns = List.copyOf(Objects.requireNonNull(patterns, "patterns"));
        calibration = List.copyOf(Objects.requireNonNull(calibration, "calibration"));
    }

    public RunReport(String runName, Map<String, String> metadata, List<SummaryRow> summary, String ciLabel,
                     List<HeatmapData> heatmaps, EffectTable topEffects) {
        this(runName, metadata, summary, ciLabel, heatmaps, topEffects, List.of(), List.of());
    }

    public RunReport(String runName, Map<String, String> metadata, List<SummaryRow> summary, String ciLabel,
                     List<HeatmapData> heatmaps) {
        this(runName, metadata, summary, ciLabel, heatmaps, EffectTable.none());
    }

    public RunReport(String runName, Map<String, String> metadata, List<SummaryRow> summary,
                     List<HeatmapData> heatmaps) {
        this(runName, metadata, summary, "95% CI", heatmaps);
    }
}
