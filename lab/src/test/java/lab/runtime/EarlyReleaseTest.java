package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import lab.runtime.components.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward frees its temporaries early (ForwardPass#release, the six-op GELU); that fast path
 * is checked against the plain one on the same inputs: caching every hook point turns every early
 * release off, and the logits must not move by a single bit; the GELU against its textbook form.
 */
class EarlyReleaseTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny", "llama-tiny"})
    void freeingTemporariesEarlyLeavesTheLogitsBitForBit(String fixture) {
        try (HookedTransformer model = Fixtures.load(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = model.tokens(m, new long[][] {{1, 5, 9, 2, 7, 3}, {4, 4, 8, 1, 0, 6}});
            float[] released = model.logits(m, tokens).toFloatArray();
            float[] kept;
            try (ForwardResult r = model.run(m, tokens, RunOptions.defaults().cachingAll())) {
                kept = r.output().toFloatArray();
                // what was cached outlives the call, so none of it was freed
                assertTrue(r.cache().get("blocks.0.mlp.hook_post").abs().sum().getFloat() > 0);
            }
            assertEquals(kept.length, released.length);
            for (int i = 0; i < kept.length; i++) {
                assertEquals(kept[i], released[i], 0.0f, "logit " + i);
            }
        }
    }

    @Test
    void sixOpGeluTanhIsGpt2sGeluNew() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.linspace(-8f, 8f, 4001);
            float[] ours = Ops.geluTanh(x).toFloatArray();
            float[] xs = x.toFloatArray();
            double worst = 0;
            for (int i = 0; i < xs.length; i++) {
                double v = xs[i];
                // HF's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in double here
                double expected = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                worst = Math.max(worst, Math.abs(ours[i] - expected) / Math.max(1, Math.abs(expected)));
            }
            assertTrue(worst < 1e-6, "largest error " + worst);
            // the in-place path writes only into its own temporaries
            assertArrayEquals(m.linspace(-8f, 8f, 4001).toFloatArray(), x.toFloatArray());
        }
    }

    /** Where autograd records, geluTanh takes the out-of-place ops: the same values, and the derivative of gelu_new. */
    @Test
    void geluTanhUnderAGraphGivesTheSameValuesAndItsDerivative() {
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray x = m.linspace(-8f, 8f, 4001);
            x.setRequiresGradient(true);
            NDArray y = Ops.geluTanh(x);
            assertArrayEquals(Ops.geluTanh(x.stopGradient()).toFloatArray(), y.toFloatArray(), 1e-6f);
            gc.backward(y.sum());
            float[] gradient = x.getGradient().toFloatArray();
            float[] xs = x.toFloatArray();
            double c = Math.sqrt(2 / Math.PI);
            for (int i = 0; i < xs.length; i++) {
                double v = xs[i];
                double t = Math.tanh(c * (v + 0.044715 * v * v * v));
                double expected = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
                assertEquals(expected, gradient[i], 1e-5, "x = " + v);
            }
        }
    }
}
