package lab.harness.provenance;

import ai.djl.engine.Engine;
import java.util.List;

/**
 * What the run executed on: Java, DJL, the deep-learning engine and every jar on the classpath.
 *
 * @param engineVersion libtorch's version, or {@code "unavailable: ..."} when the engine would not load
 */
public record SoftwareInfo(String javaVersion, String javaVendor, String javaVm, String djlVersion,
                           String engine, String engineVersion, List<Dependency> dependencies) {

    public static final String ENGINE = "PyTorch";

    public SoftwareInfo {
        dependencies = List.copyOf(dependencies);
    }

    /** Detects everything; loads the PyTorch engine if it is not loaded yet (the run needs it anyway). */
    public static SoftwareInfo detect() {
        String engineVersion;
        try {
            engineVersion = Engine.getEngine(ENGINE).getVersion();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            engineVersion = "unavailable: " + e.getMessage();
        }
        return new SoftwareInfo(System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                Engine.getDjlVersion(), ENGINE, engineVersion, Dependency.ofRuntimeClasspath());
    }
}
