package lab.harness.battery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import lab.harness.config.RunConfig;

/**
 * One run of a battery: its name {@code <battery>/<variant>[/<grid values>]} (also the resolved
 * config's {@code name}), the variant and grid point it came from, and the resolved config.
 */
public record BatteryRun(String name, String variant, Map<String, JsonNode> gridPoint, RunConfig config) {

    public BatteryRun {
        gridPoint = Map.copyOf(gridPoint);
    }
}
