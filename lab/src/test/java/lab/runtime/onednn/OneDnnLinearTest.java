package lab.runtime.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Locale;
import lab.runtime.components.Ops;
import org.junit.jupiter.api.Test;

class OneDnnLinearTest {

    /** On x86-64 Linux, DJL's libtorch has oneDNN: the path must load there, or the speed is gone unnoticed. */
    @Test
    void loadsWhereLibtorchHasOneDnn() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        assumeTrue(arch.equals("amd64") || arch.equals("x86_64"));
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
        try (OneDnnLinear.Restore auto = OneDnnLinear.use(OneDnnLinear.Mode.AUTO)) {
            assertEquals("oneDNN", OneDnnLinear.status());
        }
    }

    @Test
    void agreesWithLibtorchLinearWithAndWithoutBiasOnStridedInputs() {
        assumeTrue(available());
        try (NDManager m = NDManager.newBaseManager();
             OneDnnLinear.Restore always = OneDnnLinear.use(OneDnnLinear.Mode.ALWAYS)) {
            NDArray x = m.randomUniform(-2, 2, new Shape(3, 50, 96));
            // x read through a transposed view and a weight stored [in, out] and viewed [out, in]
            NDArray xStrided = m.randomUniform(-2, 2, new Shape(50, 3, 96)).transpose(1, 0, 2);
            NDArray w = m.randomUniform(-0.3f, 0.3f, new Shape(70, 96));
            NDArray wStrided = m.randomUniform(-0.3f, 0.3f, new Shape(96, 70)).transpose();
            NDArray b = m.randomUniform(-1, 1, new Shape(70));
            for (NDArray input : new NDArray[] {x, xStrided}) {
                for (NDArray weight : new NDArray[] {w, wStrided}) {
                    for (NDArray bias : new NDArray[] {b, null}) {
                        NDArray expected = input.getNDArrayInternal().linear(input, weight, bias).singletonOrThrow();
                        long before = OneDnnLinear.calls();
                        assertTrue(OneDnnLinear.takes(input, weight, bias));
                        NDArray actual = Ops.linear(input, weight, bias);
                        assertEquals(before + 1, OneDnnLinear.calls(), "Ops.linear did not go to oneDNN");
                        assertEquals(new Shape(3, 50, 70), actual.getShape());
                        float worst = expected.sub(actual).abs().max().getFloat();
                        float scale = expected.abs().max().getFloat();
                        assertTrue(worst <= 1e-6f * scale * 10, "max |difference| " + worst + " at scale " + scale);
                        assertTrue(scale > 1, "a product this size should not be near zero");
                    }
                }
            }
        }
    }

    @Test
    void autoTakesLargeProductsAndVocabularyWideOnesOnly() {
        assumeTrue(available());
        try (NDManager m = NDManager.newBaseManager();
             OneDnnLinear.Restore auto = OneDnnLinear.use(OneDnnLinear.Mode.AUTO)) {
            NDArray d768 = m.zeros(new Shape(768, 768));
            assertFalse(OneDnnLinear.takes(m.zeros(new Shape(1, 20, 768)), d768, null), "20 rows: MKL is faster");
            assertFalse(OneDnnLinear.takes(m.zeros(new Shape(127, 768)), d768, null), "one row short of MIN_ROWS");
            assertTrue(OneDnnLinear.takes(m.zeros(new Shape(2, 64, 768)), d768, null), "128 rows, 7.5e7 multiply-adds");
            assertFalse(OneDnnLinear.takes(m.zeros(new Shape(128, 64)), m.zeros(new Shape(256, 64)), null),
                    "2.1e6 multiply-adds: the call costs more than it saves");
            assertTrue(OneDnnLinear.takes(m.zeros(new Shape(1, 2, 64)), m.zeros(new Shape(16_384, 64)), null),
                    "a vocabulary-wide output at any row count");
            assertFalse(OneDnnLinear.takes(m.zeros(new Shape(1, 2, 64)), m.zeros(new Shape(16_383, 64)), null));
        }
    }

    @Test
    void neverUnderAutogradNorForOtherDtypesNorWhenOff() {
        assumeTrue(available());
        try (NDManager m = NDManager.newBaseManager();
             OneDnnLinear.Restore always = OneDnnLinear.use(OneDnnLinear.Mode.ALWAYS)) {
            NDArray x = m.randomUniform(-1, 1, new Shape(4, 8));
            NDArray w = m.randomUniform(-1, 1, new Shape(6, 8));
            assertTrue(OneDnnLinear.takes(x, w, null));
            w.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                assertFalse(OneDnnLinear.takes(x, w, null), "the operator has no derivative");
                NDArray y = Ops.linear(x, w, null);
                g.backward(y.sum());
            }
            // d sum(x W^T) / dW = column sums of x, one row per output
            NDArray expected = x.sum(new int[] {0}).expandDims(0).repeat(0, 6);
            assertTrue(w.getGradient().sub(expected).abs().max().getFloat() < 1e-5f);
            assertFalse(OneDnnLinear.takes(x.toType(DataType.FLOAT64, false), w.toType(DataType.FLOAT64, false), null));
            try (OneDnnLinear.Restore off = OneDnnLinear.use(OneDnnLinear.Mode.OFF)) {
                assertFalse(OneDnnLinear.takes(x, w, null));
                assertTrue(OneDnnLinear.status().startsWith("libtorch"), OneDnnLinear.status());
            }
            assertTrue(OneDnnLinear.takes(x, w, null), "closing the handle restores the mode before");
        }
    }

    /**
     * libtorch broadcasts a bias of any shape that fits; oneDNN drops a 0-d one and refuses the rest,
     * so those products stay with libtorch, and so do ones whose shapes do not fit (libtorch's error).
     */
    @Test
    void aBiasOtherThanOneValuePerOutputAndUnfitShapesStayWithLibtorch() {
        assumeTrue(available());
        try (NDManager m = NDManager.newBaseManager();
             OneDnnLinear.Restore always = OneDnnLinear.use(OneDnnLinear.Mode.ALWAYS)) {
            NDArray x = m.randomUniform(-1, 1, new Shape(5, 8));
            NDArray w = m.randomUniform(-1, 1, new Shape(6, 8));
            for (NDArray bias : new NDArray[] {m.create(5f), m.ones(new Shape(1)), m.ones(new Shape(1, 6)),
                m.ones(new Shape(5, 6)), m.ones(new Shape(6)).toType(DataType.FLOAT64, false)}) {
                assertFalse(OneDnnLinear.takes(x, w, bias), "bias " + bias.getShape() + " " + bias.getDataType());
            }
            NDArray scalarBias = m.create(5f);
            long before = OneDnnLinear.calls();
            NDArray shifted = Ops.linear(x, w, scalarBias);
            assertEquals(before, OneDnnLinear.calls());
            float added = shifted.sub(x.getNDArrayInternal().linear(x, w, null).singletonOrThrow()).mean().getFloat();
            assertEquals(5f, added, 1e-5f, "libtorch adds a 0-d bias to every output");
            assertFalse(OneDnnLinear.takes(m.ones(new Shape(5, 7)), w, null), "7 inputs against a weight of 8");
            assertFalse(OneDnnLinear.takes(m.ones(new Shape(5, 0)), m.ones(new Shape(6, 0)), null), "no inputs");
            assertFalse(OneDnnLinear.takes(x, m.ones(new Shape(2, 6, 8)), null), "a 3-d weight");
            assertTrue(OneDnnLinear.takes(m.ones(new Shape(8)), w, m.ones(new Shape(6))), "one position, 1-d");
        }
    }

    @Test
    void anUnknownModeInThePropertyIsRefusedNamingTheModes() {
        String before = System.getProperty("lab.onednn");
        System.setProperty("lab.onednn", "fast");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, OneDnnLinear::mode);
            assertTrue(e.getMessage().contains("-Dlab.onednn=fast") && e.getMessage().contains("auto (the default), always or off"),
                    e.getMessage());
            System.setProperty("lab.onednn", "off");
            assertEquals(OneDnnLinear.Mode.OFF, OneDnnLinear.mode());
        } finally {
            if (before == null) {
                System.clearProperty("lab.onednn");
            } else {
                System.setProperty("lab.onednn", before);
            }
        }
    }

    private static boolean available() {
        try (OneDnnLinear.Restore auto = OneDnnLinear.use(OneDnnLinear.Mode.AUTO)) {
            return OneDnnLinear.status().equals("oneDNN");
        }
    }
}
