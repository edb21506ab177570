package lab.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

class AttributionBenchTest {

    @Test
    void timesTheExactSweepOnSomePositionsAndExtrapolatesByPatches() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            AttributionBench.Result part = AttributionBench.run(model, 10, 2, 1, 0);
            int heads = model.config().nLayers() * model.config().nHeads();
            assertEquals(heads * 10, part.exactPatches());
            assertEquals(heads * 2, part.measuredPatches());
            assertTrue(part.extrapolated());
            assertEquals(part.exactMeasuredSeconds() * 5, part.exactSeconds(), 1e-12);
            assertTrue(part.atpSeconds() > 0 && part.speedup() > 0);
            AttributionBench.Result whole = AttributionBench.run(model, 10, 10, 1, 0);
            assertFalse(whole.extrapolated());
            assertEquals(whole.exactMeasuredSeconds(), whole.exactSeconds());
            var bad = assertThrows(IllegalArgumentException.class, () -> AttributionBench.run(model, 10, 11, 1, 0));
            assertTrue(bad.getMessage().contains("--exact-positions"), bad.getMessage());
        }
    }
}
