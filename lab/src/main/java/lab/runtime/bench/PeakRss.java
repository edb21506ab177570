package lab.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory (Java heap and native tensors together), for bench output. */
public final class PeakRss {

    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakRss() {
    }

    /**
     * The kernel's high-water mark of resident memory ({@code VmHWM}) in MiB, or NaN where there is
     * no {@code /proc} (not Linux): no other source gives a true peak without sampling.
     */
    public static double megabytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    // "VmHWM:   123456 kB"
                    String kb = line.substring("VmHWM:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
