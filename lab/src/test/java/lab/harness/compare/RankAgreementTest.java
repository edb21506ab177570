package lab.harness.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.IntToDoubleFunction;
import lab.harness.results.ColumnType;
import lab.harness.results.ResultsSchema;
import lab.harness.results.ResultsTable;
import org.junit.jupiter.api.Test;

class RankAgreementTest {

    private static final ResultsSchema SCHEMA = ResultsSchema.builder().condition("direction", ColumnType.STRING)
            .condition("position", ColumnType.INT32).metric("patch_score").build();

    /** Five positions, examples e0..e2, one seed; the value of (example, position) from {@code value}. */
    private static ResultsTable table(String direction, ExampleValue value) {
        ResultsTable t = new ResultsTable(SCHEMA);
        for (int ex = 0; ex < 3; ex++) {
            int e = ex;
            for (int p = 0; p < 5; p++) {
                t.newRow().exampleId("e" + ex).seed(0).group("g").set("direction", direction).set("position", p)
                        .set("patch_score", value.at(e, p)).append();
            }
        }
        return t;
    }

    private interface ExampleValue {
        double at(int example, int position);
    }

    @Test
    void oneExampleRankedBackwardsShowsAsThatExampleNotAsEveryMean() {
        // exact: example e's position p is worth p + e; the estimate halves it, and gets e2 backwards
        ResultsTable exact = table("c2x", (e, p) -> p + e);
        ResultsTable estimate = table("c2x", (e, p) -> e == 2 ? (4 - p) * 0.5 : (p + e) * 0.5);
        RankAgreement.Result r = RankAgreement.of(estimate, exact, "patch_score", Map.of(), 1e-6);

        // means per position: exact p + 1; estimate (p + p + 1 + (4 - p)) / 6 = (p + 5) / 6: same order
        assertEquals(5, r.overConditions().n());
        assertEquals(1.0, r.overConditions().spearman(), 1e-12);
        assertEquals(1.0, r.overConditions().pearson(), 1e-12);
        assertEquals(3, r.perExample().examples());
        assertEquals(-1.0, r.perExample().min(), 1e-12);
        assertEquals("e2 seed=0", r.perExample().worstExample());
        assertEquals(1.0 / 3, r.perExample().mean(), 1e-12);
        assertEquals(1.0, r.perExample().median(), 1e-12);
        assertEquals(15, r.overCells().n());
        assertEquals(spearmanByHand(i -> estimateCell(i), i -> exactCell(i), 15), r.overCells().spearman(), 1e-12);
    }

    private static double exactCell(int i) {
        return i % 5 + i / 5;
    }

    private static double estimateCell(int i) {
        int e = i / 5;
        int p = i % 5;
        return e == 2 ? (4 - p) * 0.5 : (p + e) * 0.5;
    }

    /** Spearman by its definition on ranks computed by counting, independent of RankCorrelation. */
    private static double spearmanByHand(IntToDoubleFunction x, IntToDoubleFunction y, int n) {
        double[] rx = new double[n];
        double[] ry = new double[n];
        for (int i = 0; i < n; i++) {
            rx[i] = rankByCounting(x, i, n);
            ry[i] = rankByCounting(y, i, n);
        }
        double mx = (n + 1) / 2.0;
        double cov = 0;
        double vx = 0;
        double vy = 0;
        for (int i = 0; i < n; i++) {
            cov += (rx[i] - mx) * (ry[i] - mx);
            vx += (rx[i] - mx) * (rx[i] - mx);
            vy += (ry[i] - mx) * (ry[i] - mx);
        }
        return cov / Math.sqrt(vx * vy);
    }

    /** 1 + the number below + half the others equal: the mean rank of a tie. */
    private static double rankByCounting(IntToDoubleFunction f, int i, int n) {
        double below = 0;
        double equal = 0;
        for (int j = 0; j < n; j++) {
            below += f.applyAsDouble(j) < f.applyAsDouble(i) ? 1 : 0;
            equal += j != i && f.applyAsDouble(j) == f.applyAsDouble(i) ? 1 : 0;
        }
        return 1 + below + equal / 2;
    }

    @Test
    void floatNoiseBelowTheThresholdRanksAsTheZeroItIs() {
        // positions 0-2 change nothing: the estimate says exactly 0, the exact forward leaves noise
        double[] noise = {3e-8, -5e-8, 1e-8};
        ResultsTable exact = table("c2x", (e, p) -> p < 3 ? noise[p] : p);
        ResultsTable estimate = table("c2x", (e, p) -> p < 3 ? 0 : p * 0.4);
        assertEquals(1.0, RankAgreement.of(estimate, exact, "patch_score", Map.of(), 1e-6).overConditions().spearman(), 1e-12);
        double raw = RankAgreement.of(estimate, exact, "patch_score", Map.of(), 0).overConditions().spearman();
        // raw: estimate ranks (2, 2, 2, 4, 5), exact ranks (2, 1, 3, 4, 5)
        assertEquals(spearmanByHand(p -> p < 3 ? 0 : p, p -> p < 3 ? noise[p] : p, 5), raw, 1e-12);
        assertTrue(raw < 0.95, "noise ranked as data: " + raw);
    }

    /** Both directions in one table: c2x ranked the same way in both runs, x2c the opposite way. */
    private static ResultsTable twoDirections(boolean estimate) {
        ResultsTable t = new ResultsTable(SCHEMA);
        for (String direction : new String[] {"c2x", "x2c"}) {
            for (int p = 0; p < 5; p++) {
                double v = direction.equals("x2c") && estimate ? -p : p;
                t.newRow().exampleId("e0").seed(0).group("g").set("direction", direction).set("position", p)
                        .set("patch_score", v).append();
            }
        }
        return t;
    }

    @Test
    void whereKeepsOneDirection() {
        ResultsTable exact = twoDirections(false);
        ResultsTable estimate = twoDirections(true);
        assertEquals(1.0, RankAgreement.of(estimate, exact, "patch_score", Map.of("direction", "c2x"), 1e-6)
                .overConditions().spearman(), 1e-12);
        assertEquals(-1.0, RankAgreement.of(estimate, exact, "patch_score", Map.of("direction", "x2c"), 1e-6)
                .overConditions().spearman(), 1e-12);
        RankAgreement.Result both = RankAgreement.of(estimate, exact, "patch_score", Map.of(), 1e-6);
        assertEquals(10, both.overConditions().n());
        assertTrue(Math.abs(both.overConditions().spearman()) < 0.9, "both directions mixed: " + both.overConditions());
    }

    @Test
    void aNumberColumnMatchesByValueNotByHowItIsWritten() {
        ResultsSchema scaled = ResultsSchema.builder().condition("scale", ColumnType.DOUBLE).condition("layer", ColumnType.INT32)
                .metric("kl").build();
        ResultsTable a = new ResultsTable(scaled);
        ResultsTable b = new ResultsTable(scaled);
        for (double scale : new double[] {0.0, 0.5}) {
            for (int layer = 0; layer < 3; layer++) {
                a.newRow().exampleId("e").seed(0).group("g").set("scale", scale).set("layer", layer).set("kl", scale + layer).append();
                b.newRow().exampleId("e").seed(0).group("g").set("scale", scale).set("layer", layer)
                        .set("kl", scale == 0.0 ? layer : -layer).append();
            }
        }
        assertEquals(1.0, RankAgreement.of(a, b, "kl", Map.of("scale", "0"), 0).overConditions().spearman(), 1e-12);
        assertEquals(-1.0, RankAgreement.of(a, b, "kl", Map.of("scale", "0.50"), 0).overConditions().spearman(), 1e-12);
        var missing = assertThrows(IllegalArgumentException.class, () -> RankAgreement.of(a, b, "kl", Map.of("scale", "1"), 0));
        assertTrue(missing.getMessage().contains("no row has that value; scale takes [0.0, 0.5]"), missing.getMessage());
        var notANumber = assertThrows(IllegalArgumentException.class, () -> RankAgreement.of(a, b, "kl", Map.of("layer", "one"), 0));
        assertTrue(notANumber.getMessage().contains("layer holds int32 values"), notANumber.getMessage());
    }

    @Test
    void badInputIsOneClearError() {
        ResultsTable exact = table("c2x", (e, p) -> p);
        ResultsTable estimate = table("c2x", (e, p) -> -p);
        var onePosition = assertThrows(IllegalArgumentException.class,
                () -> RankAgreement.of(estimate, exact, "patch_score", Map.of("position", "2"), 1e-6));
        assertTrue(onePosition.getMessage().contains("fewer than two conditions"), onePosition.getMessage());
        var column = assertThrows(IllegalArgumentException.class,
                () -> RankAgreement.of(estimate, exact, "patch_score", Map.of("layer", "0"), 1e-6));
        assertTrue(column.getMessage().contains("not a condition column") && column.getMessage().contains("position"),
                column.getMessage());
        var metric = assertThrows(IllegalArgumentException.class,
                () -> RankAgreement.of(estimate, exact, "kl", Map.of(), 1e-6));
        assertTrue(metric.getMessage().contains("metric 'kl'") && metric.getMessage().contains("patch_score"), metric.getMessage());
    }
}
