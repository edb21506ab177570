package lab.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lab.harness.battery.Battery;
import org.junit.jupiter.api.Test;

/** Every shipped run config and battery in lab/configs resolves as it is, files included. */
class ShippedConfigsTest {

    /** The build runs in lab/; the configs' relative paths are the project root's. */
    private static final RunConfigLoader LOADER = new RunConfigLoader(Path.of(".."));

    private static List<Path> shipped(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("configs"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void runConfigsAndBatteriesResolve() throws IOException {
        List<Path> runs = shipped("run_");
        assertFalse(runs.isEmpty());
        for (Path run : runs) {
            LOADER.load(run, List.of());
        }
        for (Path battery : shipped("battery_")) {
            assertFalse(Battery.load(battery, LOADER).runs().isEmpty(), battery.toString());
        }
        assertEquals("heads_pair_zero", LOADER.load(Path.of("configs/run_h5_pairs.json"), List.of()).experiment().type());
    }
}
