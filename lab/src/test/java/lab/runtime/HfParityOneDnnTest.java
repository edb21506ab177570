package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.runtime.onednn.OneDnnLinear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every HF parity check again with every linear layer of the forward on oneDNN
 * ({@link OneDnnLinear.Mode#ALWAYS}): the fixtures' products are below the sizes where the runtime
 * would take that path on its own, so without this no fixture would reach it.
 */
class HfParityOneDnnTest extends HfParityTest {

    private static OneDnnLinear.Restore always;
    private static long callsBefore;

    @BeforeAll
    static void everyLinearOnOneDnn() {
        always = OneDnnLinear.use(OneDnnLinear.Mode.ALWAYS);
        callsBefore = OneDnnLinear.calls();
    }

    @AfterAll
    static void restore() {
        try {
            if (OneDnnLinear.status().equals("oneDNN")) {
                assertTrue(OneDnnLinear.calls() > callsBefore, "no product went to oneDNN");
            }
        } finally {
            always.close();
        }
    }
}
