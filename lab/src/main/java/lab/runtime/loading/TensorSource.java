package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint's tensors by HF name, handed out with the shape config.json implies, so that a
 * missing tensor or a shape mismatch is reported against the file it came from.
 */
public final class TensorSource {

    private final Map<String, NDArray> tensors;
    private final Map<String, Path> origin;
    private final Path weightsName;
    private final Path configFile;
    private String prefix = "";

    TensorSource(Map<String, NDArray> tensors, Map<String, Path> origin, Path weightsName, Path configFile) {
        this.tensors = tensors;
        this.origin = origin;
        this.weightsName = weightsName;
        this.configFile = configFile;
    }

    /**
     * Uses {@code base} before every name if the checkpoint does (GPT-2 checkpoints exist with
     * and without the {@code transformer.} prefix).
     */
    public TensorSource withOptionalPrefix(String base, String probe) {
        prefix = tensors.containsKey(base + probe) ? base : "";
        return this;
    }

    public boolean has(String name) {
        return tensors.containsKey(prefix + name);
    }

    /** The tensor, checked against the shape config.json implies. */
    public NDArray take(String name, long... expected) {
        NDArray t = tensors.get(prefix + name);
        if (t == null) {
            throw new ModelLoadException(weightsName + " has no tensor '" + prefix + name + "', which " + configFile
                    + " implies; is the checkpoint complete and of this model_type?");
        }
        Shape want = new Shape(expected);
        if (!t.getShape().equals(want)) {
            throw new ModelLoadException(origin.get(prefix + name) + ": tensor '" + prefix + name + "' has shape "
                    + t.getShape() + " but " + configFile + " implies " + want);
        }
        return t;
    }

    /** The tensor if the checkpoint has it (optional biases), else null. */
    public NDArray takeIfPresent(String name, long... expected) {
        return has(name) ? take(name, expected) : null;
    }
}
