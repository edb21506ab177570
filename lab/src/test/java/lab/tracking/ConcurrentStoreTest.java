package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Battery tasks are separate processes logging to one file store, all starting at once on an
 * empty root: the store must come out with one Default experiment, each experiment name once,
 * and every run in it (the in-JVM lock cannot help here; the file lock must).
 */
class ConcurrentStoreTest {

    private static final int PROCESSES = 4;
    private static final List<String> NAMES = List.of("battery/a", "battery/b", "battery/c");

    @TempDir
    Path tmp;

    /** Entry point of each child process: one run in each experiment of NAMES, started as fast as it can. */
    public static void main(String[] args) {
        for (String name : NAMES) {
            try (RunTracker run = RunTrackers.start(args[0], RunSpec.of(name, args[1] + "-" + name))) {
                run.finish(RunStatus.FINISHED);
            }
        }
    }

    @Test
    void processesCreatingTheSameExperimentsAtOnceLeaveAConsistentStore() throws Exception {
        Path store = tmp.resolve("mlruns");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), ConcurrentStoreTest.class.getName(), store.toString(), "p" + i)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child" + i + ".log").toFile()).start());
        }
        for (int i = 0; i < PROCESSES; i++) {
            assertTrue(children.get(i).waitFor(120, TimeUnit.SECONDS), "child " + i + " hung");
            assertEquals(0, children.get(i).exitValue(), Files.readString(tmp.resolve("child" + i + ".log")));
        }
        Map<String, List<String>> idsByName = new TreeMap<>();
        int runs = 0;
        try (Stream<Path> dirs = Files.list(store)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).toList()) {
                idsByName.computeIfAbsent(String.valueOf(MetaYaml.read(dir).get("name")), k -> new ArrayList<>())
                        .add(dir.getFileName().toString());
                runs += countRuns(dir);
            }
        }
        assertEquals(List.of("0"), idsByName.get("Default"), idsByName.toString());
        for (String name : NAMES) {
            assertEquals(1, idsByName.get(name).size(), name + " created more than once: " + idsByName);
        }
        assertEquals(NAMES.size() + 1, idsByName.size(), idsByName.toString());
        assertEquals(PROCESSES * NAMES.size(), runs);
    }

    private static int countRuns(Path experiment) throws IOException {
        try (Stream<Path> runs = Files.list(experiment)) {
            return (int) runs.filter(r -> Files.isRegularFile(r.resolve("meta.yaml"))).count();
        }
    }
}
