package lab.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lab.experiments.Experiments;
import lab.harness.battery.Battery;
import org.junit.jupiter.api.Test;

/** The shipped activation_patch configs validate as they are, against the checkout's model and corpus. */
class ShippedPatchConfigsTest {

    private final RunConfigLoader loader = new RunConfigLoader(Path.of(".."));

    @Test
    void runConfigsLoadAndBuildTheirExperiment() {
        for (String name : List.of("run_h2_layer_geom_c2x", "run_h2_layer_geom_x2c", "run_h6_asymmetry")) {
            RunConfig config = loader.load(Path.of("configs/" + name + ".json"), List.of());
            assertEquals("activation_patch", config.experiment().type(), name);
            Experiments.create(config.experiment().type(), config.experiment().params());
        }
    }

    @Test
    void batteryCrossesBothDirectionsWithEveryGranularity() {
        Battery battery = Battery.load(Path.of("configs/battery_h2.json"), loader);
        assertEquals(10, battery.runs().size());
        Set<String> combos = battery.runs().stream().map(r -> r.config().experiment().param("granularity").asText() + "/"
                + r.config().experiment().param("per_position").asBoolean() + "/" + r.config().experiment().param("direction").asText())
                .collect(Collectors.toSet());
        assertEquals(10, combos.size(), combos.toString());
        battery.runs().forEach(r -> Experiments.create(r.config().experiment().type(), r.config().experiment().params()));
    }
}
