package lab.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Resolves {@code auto|cpu|cuda|cuda:N|mps}; {@code auto} takes CUDA, then MPS, then CPU. */
public final class DeviceChoice {

    private DeviceChoice() {
    }

    public static Device resolve(String name) {
        String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        Engine engine = Engine.getEngine("PyTorch");
        return switch (n) {
            case "auto" -> engine.getGpuCount() > 0 ? Device.gpu() : mpsAvailable() ? Device.of("mps", -1) : Device.cpu();
            case "cpu" -> Device.cpu();
            case "cuda", "gpu" -> requireCuda(engine, 0);
            case "mps" -> {
                if (!mpsAvailable()) {
                    throw new IllegalArgumentException("device 'mps' asked for, but this is not an Apple-silicon Mac;"
                            + " use device 'auto' or 'cpu'");
                }
                yield Device.of("mps", -1);
            }
            default -> {
                if (n.startsWith("cuda:")) {
                    yield requireCuda(engine, Integer.parseInt(n.substring(5)));
                }
                throw new IllegalArgumentException("unknown device '" + name + "'; use auto, cpu, cuda, cuda:N or mps");
            }
        };
    }

    private static Device requireCuda(Engine engine, int id) {
        if (engine.getGpuCount() <= id) {
            throw new IllegalArgumentException("device cuda:" + id + " asked for, but libtorch sees "
                    + engine.getGpuCount() + " CUDA device(s); build with `mvn -Pcuda` on a CUDA machine,"
                    + " or use device 'auto' or 'cpu'");
        }
        return Device.gpu(id);
    }

    private static boolean mpsAvailable() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") && arch.equals("aarch64");
    }
}
