package lab.runtime.onednn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code x @ weight^T + bias} through oneDNN's inner product: libtorch's
 * {@code mkldnn::_linear_pointwise}, the operator torch.compile's CPU code calls for linear layers,
 * reached through a TorchScript module (see {@link TorchScriptArchive}) since DJL binds no function
 * for it. libtorch's own float32 linear calls MKL's sgemm, and MKL takes its AVX2 path on AMD CPUs
 * while oneDNN picks AVX-512 by what the CPU can do: on the 2-core AMD EPYC (Zen 5) machines here,
 * 1024 x 768 by 768 x 3072 runs at 370-410 GFLOP/s against MKL's 160-190, and the 1024 x 768 by
 * 768 x 50,257 unembedding at 295-305 against 135-145.
 *
 * <p>Taken only where it pays and changes nothing else: a CPU float32 product, with no autograd
 * graph being recorded (the operator has no derivative), at least {@link #MIN_ROWS} rows and
 * {@link #MIN_MULTIPLY_ADDS} multiply-adds, or an output as wide as a vocabulary
 * ({@link #WIDE_OUTPUT}). Smaller products stay with libtorch: each call here costs 30-40 us of
 * TorchScript and JNI, and with fewer rows oneDNN's per-call reordering of a plain weight outweighs
 * its faster kernel (32 x 3072 by 3072 x 768: 2.7 ms against MKL's 1.1), while a wide product gains
 * at any row count (2 x 768 by 768 x 50,257: 4.3 ms against 22). Results differ from MKL's in the
 * last bits (a few 1e-6 on outputs of order 10); the runtime's HF parity holds either way.
 *
 * <p>Loaded once per process, then checked against libtorch's linear on a small product; where
 * libtorch lacks the operator (a build without oneDNN) or the check fails, every product stays with
 * libtorch and {@link #status()} says why. {@code -Dlab.onednn=off} turns it off,
 * {@code -Dlab.onednn=always} sends every CPU float32 product outside autograd to it (tests).
 */
public final class OneDnnLinear {

    /** Rows (every axis of x but the last, multiplied) from which a product may go to oneDNN. */
    public static final long MIN_ROWS = 128;
    /** Multiply-adds (rows x in x out) from which a product with enough rows goes to oneDNN. */
    public static final long MIN_MULTIPLY_ADDS = 1L << 24;
    /** Output features from which a product goes to oneDNN whatever its rows. */
    public static final long WIDE_OUTPUT = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnLinear.class);
    private static final String OPTIONS = "_0 = annotate(List[Optional[number]], [])\n";
    private static final Object LOCK = new Object();
    private static volatile OneDnnLinear loaded;
    private static volatile String unavailable;
    private static final AtomicLong CALLS = new AtomicLong();
    private static volatile Mode override;

    /** Which products go to oneDNN. */
    public enum Mode {
        /** None. */
        OFF,
        /** Those where it pays (the class comment's rule). */
        AUTO,
        /** Every CPU float32 product outside autograd, whatever its size. */
        ALWAYS
    }

    private final PtSymbolBlock withBias;
    private final PtSymbolBlock withoutBias;
    private final PtNDManager manager;

    private OneDnnLinear(PtNDManager manager, PtSymbolBlock withBias, PtSymbolBlock withoutBias) {
        this.manager = manager;
        this.withBias = withBias;
        this.withoutBias = withoutBias;
    }

    /**
     * Whether this product goes to oneDNN (see the class comment). Only a plain product does: a 2-D
     * weight, and a bias that is absent or one value per output, as the linear layers' are (libtorch
     * broadcasts other bias shapes; oneDNN would drop a 0-d one or refuse the rest).
     *
     * @param bias null for none
     */
    public static boolean takes(NDArray x, NDArray weight, NDArray bias) {
        Mode mode = mode();
        if (mode == Mode.OFF || !onCpuInFloat32(x) || !onCpuInFloat32(weight)
                || bias != null && !onCpuInFloat32(bias)) {
            return false;
        }
        Shape w = weight.getShape();
        if (w.dimension() != 2 || w.get(1) == 0 || x.getShape().dimension() == 0 || x.getShape().tail() != w.get(1)
                || bias != null && !bias.getShape().equals(new Shape(w.get(0)))) {
            return false;
        }
        long out = w.get(0);
        long in = w.get(1);
        long rows = x.getShape().size() / in;
        boolean pays = mode == Mode.ALWAYS
                || rows >= MIN_ROWS && rows * in * out >= MIN_MULTIPLY_ADDS || rows > 0 && out >= WIDE_OUTPUT;
        return pays && !JniUtils.isGradMode() && instance() != null;
    }

    private static boolean onCpuInFloat32(NDArray a) {
        return a instanceof PtNDArray && a.getDevice().equals(Device.cpu()) && a.getDataType() == DataType.FLOAT32;
    }

    /**
     * {@code x @ weight^T + bias} by oneDNN, in x's manager; call only where {@link #takes} is true.
     *
     * @param bias null for none
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        OneDnnLinear kernel = instance();
        if (kernel == null) {
            throw new IllegalStateException("oneDNN linear is unavailable: " + unavailable);
        }
        CALLS.incrementAndGet();
        return kernel.run(x, weight, bias);
    }

    /** Products sent to oneDNN so far in this process (a test's evidence that the path ran). */
    public static long calls() {
        return CALLS.get();
    }

    /**
     * "oneDNN" or "libtorch (why)": where {@link #takes} can send a CPU float32 product (on other
     * devices and dtypes every product stays with libtorch whatever this says).
     */
    public static String status() {
        if (mode() == Mode.OFF) {
            return "libtorch (oneDNN linear turned off" + (override == null ? " by -Dlab.onednn=off" : "") + ")";
        }
        return instance() != null ? "oneDNN" : "libtorch (" + unavailable + ")";
    }

    /**
     * Sets the mode for this process until the returned handle is closed (which restores what was
     * set before): for benchmarks that time both paths in one run, and for tests.
     */
    public static Restore use(Mode mode) {
        Mode before = override;
        override = mode;
        return () -> override = before;
    }

    /** Closing restores the mode set before; it throws nothing. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /** The mode set by {@link #use}, else by {@code -Dlab.onednn} (auto, always, off; false = off). */
    public static Mode mode() {
        Mode forced = override;
        if (forced != null) {
            return forced;
        }
        String property = System.getProperty("lab.onednn", "auto").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (property) {
            case "off", "false" -> Mode.OFF;
            case "always" -> Mode.ALWAYS;
            case "auto", "", "true" -> Mode.AUTO;
            default -> throw new IllegalArgumentException("-Dlab.onednn=" + property
                    + " is not a mode; use auto (the default), always or off");
        };
    }

    private static OneDnnLinear instance() {
        OneDnnLinear kernel = loaded;
        if (kernel != null || unavailable != null) {
            return kernel;
        }
        synchronized (LOCK) {
            if (loaded == null && unavailable == null) {
                try {
                    loaded = load();
                } catch (IOException | RuntimeException e) {
                    unavailable = "libtorch could not run mkldnn::_linear_pointwise: " + e.getMessage();
                    LOG.info("linear layers stay with libtorch's linear: {}", unavailable);
                }
            }
            return loaded;
        }
    }

    private static OneDnnLinear load() throws IOException {
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            OneDnnLinear kernel = new OneDnnLinear(manager,
                    module(manager, "OneDnnLinear", "x: Tensor, w: Tensor, b: Tensor",
                            "ops.mkldnn._linear_pointwise(x, w.contiguous(), b.contiguous(), \"none\", _0, \"\")"),
                    module(manager, "OneDnnLinearNoBias", "x: Tensor, w: Tensor",
                            "ops.mkldnn._linear_pointwise(x, w.contiguous(), None, \"none\", _0, \"\")"));
            kernel.check();
            return kernel;
        } catch (IOException | RuntimeException e) {
            // the modules belong to the manager: closing it frees them
            manager.close();
            throw e;
        }
    }

    private static PtSymbolBlock module(PtNDManager manager, String name, String parameters, String body)
            throws IOException {
        String method = "  def forward(self: __torch__." + name + ", " + parameters + ") -> Tensor:\n"
                + "    " + OPTIONS
                + "    return " + body + "\n";
        byte[] archive = TorchScriptArchive.of(name, method);
        return JniUtils.loadModule(manager, new ByteArrayInputStream(archive), false, false);
    }

    /**
     * Both modules against libtorch's linear on a product of 130 rows; throws if they disagree. The
     * numbers come from a formula, not libtorch's random generator, whose seeded stream a run may use.
     */
    private void check() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = wave(m, new Shape(2, 65, 40), 0.37);
            NDArray w = wave(m, new Shape(50, 40), 0.53);
            NDArray b = wave(m, new Shape(50), 0.71);
            for (NDArray bias : new NDArray[] {b, null}) {
                NDArray expected = x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
                NDArray actual = run(x, w, bias);
                float worst = expected.sub(actual).abs().max().getFloat();
                if (!actual.getShape().equals(expected.getShape()) || !(worst <= 1e-4f)) {
                    throw new IllegalStateException("its result differs from libtorch's linear by " + worst
                            + " (shape " + actual.getShape() + ")");
                }
            }
        }
    }

    /** sin(step * i) for i = 0, 1, ...: values in [-1, 1] that no pattern of the product cancels. */
    private static NDArray wave(NDManager m, Shape shape, double step) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(step * (i + 1));
        }
        return m.create(values, shape);
    }

    private NDArray run(NDArray x, NDArray weight, NDArray bias) {
        PtNDManager target = (PtNDManager) x.getManager();
        try (IValue ix = IValue.from((PtNDArray) x);
             IValue iw = IValue.from((PtNDArray) weight);
             IValue ib = bias == null ? null : IValue.from((PtNDArray) bias);
             IValue result = bias == null ? withoutBias.forward(ix, iw) : withBias.forward(ix, iw, ib)) {
            return result.toTensor(target);
        }
    }
}
