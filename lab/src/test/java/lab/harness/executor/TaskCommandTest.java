package lab.harness.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TaskCommandTest {

    /** A battery asked to keep linear layers on libtorch runs every task so (results differ in the last bits). */
    @Test
    void passesTheLinearPathPropertyOnOnlyWhenSet() {
        String before = System.getProperty("lab.onednn");
        try {
            System.clearProperty("lab.onednn");
            List<String> plain = new TaskCommand("lab.cli.HarnessCommand").java(2, OptionalLong.empty(), "run", "c.json");
            assertFalse(plain.stream().anyMatch(a -> a.startsWith("-Dlab.onednn")), plain.toString());
            System.setProperty("lab.onednn", "off");
            List<String> off = new TaskCommand("lab.cli.HarnessCommand").java(2, OptionalLong.of(512), "run", "c.json");
            assertTrue(off.contains("-Dlab.onednn=off"), off.toString());
            assertTrue(off.indexOf("-Dlab.onednn=off") < off.indexOf("lab.cli.HarnessCommand"), "a JVM option, before the main class");
            assertEquals(List.of("run", "c.json"), off.subList(off.size() - 2, off.size()));
        } finally {
            if (before == null) {
                System.clearProperty("lab.onednn");
            } else {
                System.setProperty("lab.onednn", before);
            }
        }
    }
}
