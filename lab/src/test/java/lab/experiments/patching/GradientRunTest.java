package lab.experiments.patching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Set;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** GradientRun's detached points: held fixed below, still differentiated themselves. */
class GradientRunTest {

    private static final String RESID = "blocks.1.hook_resid_pre";
    private static final String QUERIES = "blocks.1.attn.hook_q";
    private static final String PATTERN = "blocks.1.attn.hook_pattern";

    @Test
    void aDetachedPointKeepsItsGradientAndCutsThePathsBelowIt() throws Exception {
        var ref = Fixtures.referenceJson("gpt2-sharp");
        List<long[]> prompts = List.of(Fixtures.ids(ref.get("clean_ids")), Fixtures.ids(ref.get("corrupt_ids")));
        List<String> hooks = List.of(RESID, QUERIES, PATTERN);
        try (HookedTransformer model = Fixtures.load("gpt2-sharp"); NDManager m = NDManager.newBaseManager()) {
            GradientRun whole = GradientRun.of(model, m, prompts, 5, 7, hooks, List.of(0, 1));
            GradientRun fixed = GradientRun.of(model, m, prompts, 5, 7, hooks, List.of(0, 1), Set.of(PATTERN));
            for (int row = 0; row < 2; row++) {
                // the pattern's own gradient is the same either way; the queries reach the metric only through it
                assertEquals(0, maxAbs(whole.gradient(PATTERN, row).sub(fixed.gradient(PATTERN, row))), 1e-6);
                assertTrue(maxAbs(whole.gradient(QUERIES, row)) > 1e-3, "the premise: the queries matter");
                assertEquals(0, maxAbs(fixed.gradient(QUERIES, row)));
                // the residual below loses the path through the pattern, and only that
                assertTrue(maxAbs(whole.gradient(RESID, row).sub(fixed.gradient(RESID, row))) > 1e-3);
                assertEquals(whole.logitDiff(row), fixed.logitDiff(row));
            }
            var bad = assertThrows(IllegalArgumentException.class,
                    () -> GradientRun.of(model, m, prompts, 5, 7, List.of(RESID), List.of(1), Set.of(PATTERN)));
            assertTrue(bad.getMessage().contains("must be among the hooks"), bad.getMessage());
        }
    }

    private static double maxAbs(NDArray x) {
        return x.abs().max().getFloat();
    }
}
