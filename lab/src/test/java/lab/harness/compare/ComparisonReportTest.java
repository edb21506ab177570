package lab.harness.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.viz.HeatmapData;
import lab.viz.ValueSign;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {

    private static HeatmapData map(double[][] values, ValueSign sign) {
        return new HeatmapData("kl by layer x head", "layer", "head", List.of("0", "1"), List.of("0", "1", "2"), values,
                "mean kl", sign);
    }

    @Test
    void aAndBShareTheLargerColourLimitAndTheThirdMapIsTheirDifference() {
        HeatmapData a = map(new double[][] {{0.5, 1.0, Double.NaN}, {0.0, 2.0, 0.25}}, ValueSign.NON_NEGATIVE);
        HeatmapData b = map(new double[][] {{0.75, 3.0, 1.0}, {0.0, 1.5, 0.5}}, ValueSign.NON_NEGATIVE);
        List<HeatmapData> three = ComparisonReport.triple(a, b);
        assertEquals(List.of("A: kl by layer x head", "B: kl by layer x head", "A - B: kl by layer x head"),
                three.stream().map(HeatmapData::title).toList());
        assertEquals(3.0, three.get(0).scaleLimit(), 0);
        assertEquals(3.0, three.get(1).scaleLimit(), 0);
        HeatmapData diff = three.get(2);
        assertEquals(ValueSign.SIGNED, diff.sign(), "a difference of non-negative values can be negative");
        assertEquals(-0.25, diff.value(0, 0), 0);
        assertEquals(-2.0, diff.value(0, 1), 0);
        assertTrue(Double.isNaN(diff.value(0, 2)), "a cell missing in A has no difference");
        assertEquals(0.5, diff.value(1, 1), 0);
        assertEquals(2.0, diff.scaleLimit(), 0, "the difference map has its own scale");
        assertEquals(a.rowLabels(), diff.rowLabels());
    }
}
