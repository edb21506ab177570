package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's tensors under the names of {@link WeightLayout}, owned by one manager that lives as
 * long as the model. Checked against the layout on construction, so the forward never meets a
 * missing or misshapen weight.
 */
public final class ModelWeights implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> tensors;

    public ModelWeights(NDManager manager, ModelConfig config, Map<String, NDArray> tensors) {
        this.manager = manager;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        check(config);
    }

    private void check(ModelConfig config) {
        Map<String, WeightLayout.Entry> layout = WeightLayout.of(config);
        for (Map.Entry<String, WeightLayout.Entry> e : layout.entrySet()) {
            NDArray t = tensors.get(e.getKey());
            if (t == null) {
                if (!e.getValue().optional()) {
                    throw new IllegalArgumentException("weight " + e.getKey() + " is missing");
                }
            } else if (!t.getShape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("weight " + e.getKey() + " has shape " + t.getShape()
                        + ", the config implies " + e.getValue().shape());
            }
        }
        for (String name : tensors.keySet()) {
            if (!layout.containsKey(name)) {
                throw new IllegalArgumentException("weight " + name + " is not part of this architecture");
            }
        }
    }

    /** The tensor, or null when it is an optional one the model lacks (a bias). */
    public NDArray get(String name) {
        return tensors.get(name);
    }

    public NDArray require(String name) {
        NDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("weight " + name + " is missing");
        }
        return t;
    }

    public Map<String, NDArray> all() {
        return tensors;
    }

    /** Elements in all tensors; a tied embedding is one tensor and counts once. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(NDArray::size).sum();
    }

    public NDManager manager() {
        return manager;
    }

    /** Marks every tensor as trainable, so that a GradientCollector records gradients for it. */
    public void requireGradients() {
        tensors.values().forEach(t -> t.setRequiresGradient(true));
    }

    @Override
    public void close() {
        manager.close();
    }
}
