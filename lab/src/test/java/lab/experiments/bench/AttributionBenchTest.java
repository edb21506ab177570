package lab.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.experiments.patching.AttributionMethod;
import lab.experiments.patching.PatchGranularity;
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
            assertEquals("head_out", whole.granularity());
            assertEquals("atp", whole.method());
        }
    }

    @Test
    void layerResidIsOnePatchPerLayerAndPositionEstimatedByAtpStar() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            AttributionBench.Result r = AttributionBench.run(model, PatchGranularity.LAYER_RESID, null, 10, 2, 1, 0);
            assertEquals(model.config().nLayers() * 10, r.exactPatches());
            assertEquals(model.config().nLayers() * 2, r.measuredPatches());
            assertEquals("atp_star", r.method());
            AttributionBench.Result plain = AttributionBench.run(model, PatchGranularity.LAYER_RESID, AttributionMethod.ATP,
                    10, 10, 1, 0);
            assertEquals("atp", plain.method());
            assertEquals(plain.exactPatches(), plain.measuredPatches());
        }
    }
}
