package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Interventions.patchCells: each row's own cells from the source, the rest untouched, exactly. */
class PatchCellsTest {

    @Test
    void eachRowTakesTheSourceAtItsOwnCellsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(3, 4, 2, 5));
            NDArray source = m.randomNormal(new Shape(1, 4, 2, 5));
            // row 0: position 1, both heads; row 1: head 1 at every position; row 2: head 0 at position 3
            boolean[] chosen = new boolean[3 * 4 * 2];
            chosen[(0 * 4 + 1) * 2] = true;
            chosen[(0 * 4 + 1) * 2 + 1] = true;
            for (int p = 0; p < 4; p++) {
                chosen[(4 + p) * 2 + 1] = true;
            }
            chosen[(2 * 4 + 3) * 2] = true;
            NDArray y = Interventions.patchCells(source, chosen, 3, 4, 2).apply(x);

            NDArray expected = x.duplicate();
            expected.set(new NDIndex("0, 1"), source.get(new NDIndex("0, 1")));
            expected.set(new NDIndex("1, :, 1"), source.get(new NDIndex("0, :, 1")));
            expected.set(new NDIndex("2, 3, 0"), source.get(new NDIndex("0, 3, 0")));
            assertEquals(0.0, y.sub(expected).abs().max().getFloat(), "bit-exact copy of chosen cells, untouched elsewhere");
            assertTrue(y.sub(x).abs().sum().getFloat() > 0, "something was patched");

            NDArray perRowSource = m.randomNormal(new Shape(3, 4, 2, 5));
            NDArray z = Interventions.patchCells(perRowSource, chosen, 3, 4, 2).apply(x);
            assertEquals(0.0, z.get(new NDIndex("2, 3, 0")).sub(perRowSource.get(new NDIndex("2, 3, 0"))).abs().max().getFloat());
            assertEquals(0.0, z.get(new NDIndex("2, 2")).sub(x.get(new NDIndex("2, 2"))).abs().max().getFloat());
        }
    }

    @Test
    void shapesThatDoNotFitAreErrors() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 3, 4));
            assertThrows(IllegalArgumentException.class, () -> Interventions.patchCells(m.zeros(new Shape(1, 3, 4)), new boolean[5], 2, 3));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Interventions.patchCells(m.zeros(new Shape(1, 3, 4)), new boolean[8], 2, 4).apply(x));
            assertTrue(e.getMessage().contains("cell choices cover (2, 4)"), e.getMessage());
            var s = assertThrows(IllegalArgumentException.class,
                    () -> Interventions.patchCells(m.zeros(new Shape(1, 3, 5)), new boolean[6], 2, 3).apply(x));
            assertTrue(s.getMessage().contains("patch source has shape"), s.getMessage());
        }
    }
}
