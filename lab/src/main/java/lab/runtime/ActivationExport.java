package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import lab.io.AtomicFiles;

/**
 * Writes named activations as one .safetensors file (DJL's encoder), atomically, so that Python
 * reads them with {@code safetensors.torch.load_file}. Tensors go to the CPU and keep their shape.
 */
public final class ActivationExport {

    private ActivationExport() {
    }

    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray t = e.getValue().toDevice(ai.djl.Device.cpu(), false);
            t.setName(e.getKey());
            list.add(t);
        }
        AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
    }
}
