package lab.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The state of one forward call: a native-memory scope that every intermediate lands in and that
 * closes when the call returns, the call's hooks, and the activations it caches. What the caller
 * gets back (output, cache) is moved to the caller's manager before the scope closes, so N calls
 * in a row hold no more native memory than one.
 */
public final class ForwardPass implements AutoCloseable {

    private final NDManager caller;
    private final NDManager scope;
    private final Device device;
    private final Hooks hooks;
    private final Predicate<String> cacheFilter;
    private final Map<String, NDArray> cached = new LinkedHashMap<>();
    private final Map<String, NDArray> masks = new HashMap<>();

    ForwardPass(NDManager caller, Device device, Hooks hooks, Predicate<String> cacheFilter) {
        this.caller = caller;
        this.scope = caller.newSubManager(device);
        this.device = device;
        this.hooks = hooks;
        this.cacheFilter = cacheFilter;
    }

    /** The manager this call's intermediates live in. */
    public NDManager scope() {
        return scope;
    }

    /**
     * Runs the hooks at {@code name} on x, caches the result if asked, and returns what flows on.
     * The cache sees the activation after this point's interventions, as downstream does.
     */
    public NDArray hook(String name, NDArray x) {
        NDArray y = hooks.apply(name, x);
        if (cacheFilter.test(name)) {
            cached.put(name, y);
        }
        return y;
    }

    /**
     * Frees {@code activation}, what {@link #hook} returned at {@code name}, once the forward no
     * longer needs it, unless it may live on: the cache keeps it, or a hook at that point (which
     * might have kept a reference) saw it. Freed early, its memory is reused within the forward
     * rather than new pages being mapped. Autograd keeps what the backward pass needs regardless.
     *
     * @return whether it was freed (then other handles to its storage, e.g. the array it is a view
     *     of, may be freed too)
     */
    public boolean release(String name, NDArray activation) {
        if (cacheFilter.test(name) || hooks.names().contains(name) || activation.getManager() != scope) {
            return false;
        }
        activation.close();
        return true;
    }

    /** Takes ownership of an array this call derived from a weight (weights live elsewhere). */
    public NDArray adopt(NDArray derived) {
        derived.attach(scope);
        return derived;
    }

    /** A copy of a caller's array on the model's device, owned by this call. */
    NDArray importInput(NDArray input) {
        NDArray moved = input.toDevice(device, false);
        NDArray copy = moved.duplicate();
        if (moved != input) {
            moved.close();
        }
        copy.attach(scope);
        return copy;
    }

    /**
     * Additive causal mask [query, key]: 0 where the query may attend, -inf elsewhere; with a
     * window w > 0 a query sees only the w most recent keys, itself included (GPT-Neo local).
     */
    public NDArray attentionMask(long positions, int window) {
        return masks.computeIfAbsent(positions + "/" + window, k -> {
            // built by libtorch ops rather than from a Java array: arrays made from Java memory sit
            // in direct buffers that only a GC frees, and this runs once per forward
            NDArray query = scope.arange(0f, (float) positions).reshape(positions, 1);
            NDArray key = scope.arange(0f, (float) positions).reshape(1, positions);
            NDArray visible = key.lte(query);
            if (window > 0) {
                visible = visible.logicalAnd(query.sub(key).lt(window));
            }
            Shape square = new Shape(positions, positions);
            return NDArrays.where(visible, scope.zeros(square, DataType.FLOAT32),
                    scope.full(square, Float.NEGATIVE_INFINITY, DataType.FLOAT32));
        });
    }

    /** Moves the output and the cached activations to the caller's manager. */
    ForwardResult finish(NDArray output) {
        Map<String, NDArray> kept = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : cached.entrySet()) {
            kept.put(e.getKey(), keep(e.getValue()));
        }
        return new ForwardResult(keep(output), new ActivationCache(kept));
    }

    /**
     * Our own intermediates are re-attached to the caller; an array a hook returned from elsewhere
     * (the caller's own tensor) is copied instead, so that closing the result never frees it.
     */
    private NDArray keep(NDArray array) {
        if (array.getManager() == scope) {
            array.attach(caller);
            return array;
        }
        NDArray copy = array.duplicate();
        copy.attach(caller);
        return copy;
    }

    @Override
    public void close() {
        scope.close();
    }
}
