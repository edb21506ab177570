package lab.harness.provenance;

import ai.djl.util.cuda.CudaUtils;
import java.util.ArrayList;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * The machine: the device the run used, OS, CPU model and cores, memory, and the CUDA GPUs when
 * the device is one (none listed otherwise).
 *
 * @param device the device the run resolved to, e.g. {@code cpu} or {@code gpu(0)}
 */
public record HostInfo(String device, String hostname, String os, String arch, String cpuModel, int physicalCores,
                       int logicalCores, long totalMemoryBytes, List<Gpu> gpus) {

    /** One CUDA device. */
    public record Gpu(int index, String computeCapability, long totalMemoryBytes) {
    }

    public HostInfo {
        gpus = List.copyOf(gpus);
    }

    public static HostInfo detect(String device) {
        SystemInfo system = new SystemInfo();
        HardwareAbstractionLayer hardware = system.getHardware();
        CentralProcessor cpu = hardware.getProcessor();
        List<Gpu> gpus = new ArrayList<>();
        if (device.startsWith("gpu") || device.startsWith("cuda")) {
            try {
                for (int i = 0; i < CudaUtils.getGpuCount(); i++) {
                    gpus.add(new Gpu(i, CudaUtils.getComputeCapability(i),
                            CudaUtils.getGpuMemory(ai.djl.Device.gpu(i)).getMax()));
                }
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                // CUDA runtime not loadable: the device string still says what was asked for
            }
        }
        return new HostInfo(device, system.getOperatingSystem().getNetworkParams().getHostName(),
                system.getOperatingSystem().toString(), System.getProperty("os.arch"),
                cpu.getProcessorIdentifier().getName().strip(), cpu.getPhysicalProcessorCount(),
                cpu.getLogicalProcessorCount(), hardware.getMemory().getTotal(), gpus);
    }
}
