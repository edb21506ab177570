package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** Device names resolve as documented; a device the machine lacks is one error naming the fix. */
class DeviceChoiceTest {

    @Test
    void cpuAndAutoOnAMachineWithoutAccelerators() {
        assertEquals(Device.cpu(), DeviceChoice.resolve("cpu"));
        assertEquals(Device.cpu(), DeviceChoice.resolve(" CPU "));
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        assumeTrue(!System.getProperty("os.name", "").toLowerCase().contains("mac"), "a Mac may have MPS");
        assertEquals(Device.cpu(), DeviceChoice.resolve("auto"));
        assertEquals(Device.cpu(), DeviceChoice.resolve(null));
    }

    @Test
    void aMissingOrUnknownDeviceIsAClearError() {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        var cuda = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda:" + gpus));
        assertTrue(cuda.getMessage().contains("cuda:" + gpus + " asked for") && cuda.getMessage().contains(gpus + " CUDA device(s)")
                && cuda.getMessage().contains("mvn -Pcuda"), cuda.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("tpu"));
        assertTrue(unknown.getMessage().contains("unknown device 'tpu'") && unknown.getMessage().contains("cuda:N"), unknown.getMessage());
        if (!System.getProperty("os.name", "").toLowerCase().contains("mac")) {
            var mps = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("mps"));
            assertTrue(mps.getMessage().contains("not an Apple-silicon Mac"), mps.getMessage());
        }
    }
}
