package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Half precision on request: weights and activations in that dtype, logits close to float32's. */
class DtypeTest {

    @Test
    void bfloat16IsRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseDtype("bfloat16"));
        assertTrue(e.getMessage().contains("use float16 or float32"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"float16"})
    void halfPrecisionLogitsStayCloseToFloat32(String dtype) {
        DataType type = LoadOptions.parseDtype(dtype);
        for (String name : new String[] {"gpt2-tiny", "llama-tiny"}) {
            try (HookedTransformer half = ModelLoader.load(Fixtures.dir(name), new LoadOptions("cpu", type));
                 HookedTransformer full = Fixtures.load(name);
                 NDManager m = NDManager.newBaseManager()) {
                long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("clean_ids"));
                NDArray logits = half.logits(m, half.tokens(m, ids));
                assertEquals(type, logits.getDataType());
                double err = Fixtures.relativeError(logits, full.logits(m, full.tokens(m, ids)));
                // float16 keeps 10 bits of mantissa: about 1e-3 relative
                assertTrue(err < 5e-2, name + " " + dtype + " relative error " + err);
                assertTrue(err > 0, "no rounding at all: was the dtype applied?");
            }
        }
    }
}
