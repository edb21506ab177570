package lab.harness.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.harness.results.ColumnType;
import lab.harness.results.ResultsSchema;
import lab.harness.results.ResultsTable;
import org.junit.jupiter.api.Test;

class RunComparisonTest {

    private static final ResultsSchema SCHEMA = ResultsSchema.builder().condition("layer", ColumnType.INT32)
            .metric("logit_diff").metric("acc_flip_rate").build();

    private static ResultsTable table(double shift, int flipsFrom) {
        ResultsTable t = new ResultsTable(SCHEMA);
        for (int layer = 0; layer < 2; layer++) {
            for (int ex = 0; ex < 10; ex++) {
                t.newRow().exampleId("e" + ex).seed(0).group("g").set("layer", layer)
                        .set("logit_diff", ex * 0.5 + layer + shift).set("acc_flip_rate", ex >= flipsFrom ? 1.0 : 0.0).append();
            }
        }
        return t;
    }

    @Test
    void aShiftedRunDiffersByTheShiftWithAPointInterval() {
        RunComparison.Result r = RunComparison.compare(table(1.0, 10), table(0.0, 2), 2000, 7);
        RunComparison.Line all = r.lines().stream()
                .filter(l -> l.metric().equals("logit_diff") && l.condition().equals(RunComparison.ALL_CONDITIONS)).findFirst().get();
        assertEquals(20, all.pairs());
        assertEquals(1.0, all.bootstrap().meanDifference(), 1e-12);
        assertEquals(1.0, all.bootstrap().low(), 1e-12);
        assertEquals(1.0, all.bootstrap().high(), 1e-12);
        assertTrue(all.permutation().pValue() < 0.01);
        assertNull(all.mcnemar());
        // A never flips, B flips on examples 2..9 in both layers: 16 discordant pairs, all one way
        RunComparison.Line flips = r.lines().stream()
                .filter(l -> l.metric().equals("acc_flip_rate") && l.condition().equals(RunComparison.ALL_CONDITIONS)).findFirst().get();
        assertNotNull(flips.mcnemar());
        assertEquals(16, flips.mcnemar().b() + flips.mcnemar().c());
        assertEquals(2 * Math.pow(0.5, 16), flips.mcnemar().exactP(), 1e-9);
        assertEquals(0, r.unpairedA());
    }

    @Test
    void identicalRunsShowNoDifference() {
        RunComparison.Result r = RunComparison.compare(table(0, 5), table(0, 5), 1000, 1);
        for (RunComparison.Line l : r.lines()) {
            assertEquals(0.0, l.bootstrap().meanDifference(), 1e-12);
            assertEquals(1.0, l.permutation().pValue(), 1e-12);
        }
        // 2 metrics x (all + 2 layers)
        assertEquals(6, r.lines().size());
    }

    @Test
    void runsOfDifferentExperimentsAreRefused() {
        ResultsSchema other = ResultsSchema.builder().condition("position", ColumnType.INT32).metric("logit_diff").build();
        var e = assertThrows(IllegalArgumentException.class, () -> RunComparison.compare(table(0, 5), new ResultsTable(other), 10, 1));
        assertTrue(e.getMessage().contains("different condition columns"), e.getMessage());
    }

    @Test
    void aRunWithTwoRowsForOneConditionExampleAndSeedIsRefused() {
        ResultsTable doubled = table(0, 5);
        doubled.newRow().exampleId("e0").seed(0).group("g").set("layer", 0).set("logit_diff", 1.0).set("acc_flip_rate", 0.0).append();
        var e = assertThrows(IllegalArgumentException.class, () -> RunComparison.compare(table(0, 5), doubled, 10, 1));
        assertTrue(e.getMessage().contains("the second run has two rows for layer=0, example e0, seed 0"), e.getMessage());
    }
}
