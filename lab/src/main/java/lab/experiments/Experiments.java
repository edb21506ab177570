package lab.experiments;

import lab.experiments.heads.HeadsPairZero;
import lab.experiments.heads.HeadsZero;
import lab.experiments.inspection.CausalTrace;
import lab.experiments.inspection.LogitAttribution;
import lab.experiments.inspection.LogitLens;
import lab.experiments.patching.ActivationPatch;
import lab.experiments.patching.AttributionPatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The experiment types a config may name, by {@code experiment.type}. */
public final class Experiments {

    private static final Map<String, Function<JsonNode, Experiment>> TYPES = new TreeMap<>(Map.of(
            HeadsZero.TYPE, HeadsZero::fromParams,
            LogitLens.TYPE, LogitLens::fromParams,
            LogitAttribution.TYPE, LogitAttribution::fromParams,
            CausalTrace.TYPE, CausalTrace::fromParams,
            HeadsPairZero.TYPE, HeadsPairZero::fromParams,
            ActivationPatch.TYPE, ActivationPatch::fromParams,
            lab.experiments.sae.SaeToggle.TYPE, lab.experiments.sae.SaeToggle::fromParams,
            AttributionPatch.TYPE, AttributionPatch::fromParams));

    private Experiments() {
    }

    /** @param params the type's parameters (the config's {@code experiment} object; a {@code type} key is ignored) */
    public static Experiment create(String type, JsonNode params) {
        Function<JsonNode, Experiment> factory = TYPES.get(type);
        if (factory == null) {
            throw new IllegalArgumentException("unknown experiment.type '" + type + "'; known: " + String.join(", ", TYPES.keySet()));
        }
        return factory.apply(params);
    }
}
