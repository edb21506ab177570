package lab.runtime;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/** Activations recorded during one forward call, by hook point name, in the order they occurred. */
public final class ActivationCache implements AutoCloseable {

    private final Map<String, NDArray> byName;

    ActivationCache(Map<String, NDArray> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The cached activation; an error naming what was cached if {@code name} was not. */
    public NDArray get(String name) {
        NDArray array = byName.get(name);
        if (array == null) {
            throw new IllegalArgumentException("hook point '" + name + "' was not cached; cached: "
                    + (byName.isEmpty() ? "nothing (pass a cache filter to the run)" : byName.keySet()));
        }
        return array;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Map<String, NDArray> asMap() {
        return byName;
    }

    @Override
    public void close() {
        byName.values().forEach(NDArray::close);
    }
}
