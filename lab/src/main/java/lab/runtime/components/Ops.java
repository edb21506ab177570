package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.jni.JniUtils;
import lab.runtime.onednn.OneDnnLinear;

/**
 * Tensor operations whose result must land in the activation's manager. DJL attaches a result to
 * the manager of the array an operation is called on; calling {@code weight.op(x)} would put
 * every forward's intermediates into the model's long-lived manager. These helpers always call
 * on the activation.
 */
public final class Ops {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Ops() {
    }

    /**
     * {@code x @ weight^T + bias}, weight laid out [out, in] as in torch.nn.Linear; bias may be null.
     * Large CPU float32 products outside autograd go to oneDNN ({@link OneDnnLinear}), the rest to
     * libtorch's linear.
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (OneDnnLinear.takes(x, weight, bias)) {
            return OneDnnLinear.apply(x, weight, bias);
        }
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * The slices of {@code x} at indices {@code at} along {@code axis}, in that order (repeats
     * kept), concatenated into one array in x's manager; the slices themselves are freed.
     */
    public static NDArray slices(NDArray x, int axis, long[] at) {
        String leading = ":, ".repeat(axis);
        NDList picked = new NDList();
        for (long p : at) {
            picked.add(x.get(new NDIndex(leading + "{}:{}", p, p + 1)));
        }
        NDArray out = NDArrays.concat(picked, axis);
        picked.close();
        return out;
    }

    /** Rows of {@code table} picked by integer {@code ids}; the result has ids' shape plus table's last axis. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * A 0-d constant of {@code like}'s dtype, made by libtorch. DJL's {@code x.mul(0.5)} wraps the
     * number in an array over a Java direct buffer and closes it right after the op; autograd keeps
     * the tensor for the backward pass, whose memory the garbage collector may by then have freed
     * and reused: the gradient reads garbage (rarely, non-reproducibly, sometimes non-finite).
     */
    public static NDArray scalar(NDArray like, double value) {
        return scalar(like, value, like.getDataType());
    }

    /** As {@link #scalar(NDArray, double)}, of the given dtype. */
    public static NDArray scalar(NDArray like, double value, ai.djl.ndarray.types.DataType dtype) {
        return like.getManager().full(new Shape(), (float) value, dtype);
    }

    /**
     * A tensor of Java values in storage libtorch owns. {@code manager.create(float[])} makes a
     * tensor over a Java direct buffer that only its one handle keeps alive; autograd may keep the
     * tensor for the backward pass after that handle is closed and the GC has freed the buffer.
     */
    public static NDArray owned(ai.djl.ndarray.NDManager manager, float[] values, Shape shape) {
        try (NDArray borrowed = manager.create(values, shape)) {
            return borrowed.duplicate();
        }
    }

    /** As {@link #owned(ai.djl.ndarray.NDManager, float[], Shape)} for booleans. */
    public static NDArray owned(ai.djl.ndarray.NDManager manager, boolean[] values, Shape shape) {
        try (NDArray borrowed = manager.create(values, shape)) {
            return borrowed.duplicate();
        }
    }

    /**
     * GPT-2's tanh approximation of GELU ({@code gelu_new}), 0.5 x (1 + tanh(u)) with
     * u = sqrt(2/pi) (x + 0.044715 x^3), computed as x sigmoid(2u) (the same function:
     * 0.5 (1 + tanh(u)) = sigmoid(2u)) in six ops instead of eight, each temporary freed as soon as
     * it is used. On [batch, pos, d_mlp] these are a forward's largest arrays; freed, their memory is
     * reused within the forward instead of new pages being mapped for each. Autograd keeps what
     * the backward pass needs whether or not the handles are closed. Constants via {@link #scalar}.
     */
    public static NDArray geluTanh(NDArray x) {
        // NDArray.hasGradient() is true for leaves only, so whether autograd records is asked of libtorch
        if (!JniUtils.isGradMode()) {
            return geluTanhInPlace(x);
        }
        try (NDArray linear = scalar(x, 2 * SQRT_2_OVER_PI);
             NDArray cubic = scalar(x, 2 * SQRT_2_OVER_PI * 0.044715);
             NDArray square = x.mul(x);
             NDArray scaled = square.mul(cubic);
             NDArray shifted = scaled.add(linear);
             NDArray twiceU = shifted.mul(x);
             NDArray gate = twiceU.getNDArrayInternal().sigmoid()) {
            return x.mul(gate);
        }
    }

    /**
     * {@link #geluTanh} where libtorch records no graph (no GradientCollector open on this thread):
     * the same six ops, but four of them write into the array they read, so two [batch, pos, d_mlp]
     * arrays are made instead of six. With a graph, in-place writes would corrupt what the backward
     * reads (sigmoid keeps its output). Whole-process A/B at 8 x 128 on GPT-2-small shape: +5%.
     */
    private static NDArray geluTanhInPlace(NDArray x) {
        try (NDArray linear = scalar(x, 2 * SQRT_2_OVER_PI);
             NDArray cubic = scalar(x, 2 * SQRT_2_OVER_PI * 0.044715);
             NDArray twiceU = x.mul(x)) {
            twiceU.muli(cubic).addi(linear).muli(x);
            return twiceU.getNDArrayInternal().sigmoid().muli(x);
        }
    }

    /** Exact GELU, {@code x * Phi(x)}. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    public static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }
}
