package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapDataTest {

    @Test
    void indexedLabelsAreZeroBasedIntegers() {
        HeatmapData map = HeatmapData.indexed("t", "layer", "head", new double[3][4], "v");
        assertEquals(List.of("0", "1", "2"), map.rowLabels());
        assertEquals(List.of("0", "1", "2", "3"), map.colLabels());
        assertEquals(3, map.rows());
        assertEquals(4, map.cols());
    }

    @Test
    void maxAbsIgnoresMissingCellsAndTakesTheLargerSide() {
        HeatmapData map = HeatmapData.indexed("t", "r", "c",
                new double[][] {{0.5, Double.NaN}, {-3.0, 2.0}}, "v");
        assertEquals(3.0, map.maxAbs());
        assertTrue(map.hasMissingCells());
        assertEquals(0.0, HeatmapData.indexed("t", "r", "c", new double[][] {{Double.NaN}}, "v").maxAbs());
    }

    @Test
    void valuesAreCopiedInAndOut() {
        double[][] buffer = {{1, 2}, {3, 4}};
        HeatmapData map = HeatmapData.indexed("t", "r", "c", buffer, "v");
        buffer[0][0] = 99;
        map.values()[1][1] = 99;
        assertEquals(1, map.value(0, 0));
        assertEquals(4, map.value(1, 1));
        assertFalse(map.hasMissingCells());
    }

    @Test
    void shapeMismatchesAreRejectedWithTheOffendingRow() {
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> HeatmapData.indexed("t", "r", "c", new double[][] {{1, 2}, {3}}, "v"));
        assertTrue(ragged.getMessage().contains("row 1"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeatmapData("t", "r", "c",
                List.of("a"), List.of("x", "y"), new double[][] {{1, 2}, {3, 4}}, "v"));
        assertThrows(IllegalArgumentException.class,
                () -> HeatmapData.indexed("t", "r", "c", new double[0][0], "v"));
        assertThrows(IllegalArgumentException.class,
                () -> HeatmapData.indexed("t", "r", "c", new double[][] {{Double.POSITIVE_INFINITY}}, "v"));
    }

    @Test
    void equalityComparesCellValues() {
        HeatmapData a = HeatmapData.indexed("t", "r", "c", new double[][] {{1, Double.NaN}}, "v");
        HeatmapData b = HeatmapData.indexed("t", "r", "c", new double[][] {{1, Double.NaN}}, "v");
        HeatmapData c = HeatmapData.indexed("t", "r", "c", new double[][] {{1, 2}}, "v");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertFalse(a.equals(c));
    }
}
