package lab.experiments;

import lab.experiments.patching.CleanCorruptRuns;
import lab.experiments.patching.PatchDirection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.experiments.metrics.PatchScore;
import org.junit.jupiter.api.Test;

/** The normalised patch scores by hand, both ways, and where they are undefined. */
class PatchScoreTest {

    @Test
    void cleanIntoCorruptMeasuresRestoration() {
        // clean 5, corrupt 1: a patch that brings the corrupt run to 3 restores half of it
        assertEquals(0.5, PatchScore.restored(3, 5, 1), 1e-12);
        assertEquals(1.0, PatchScore.restored(5, 5, 1), 1e-12);
        assertEquals(0.0, PatchScore.restored(1, 5, 1), 1e-12);
        assertEquals(-0.25, PatchScore.restored(0, 5, 1), 1e-12);
        assertEquals(1.5, PatchScore.restored(7, 5, 1), 1e-12);
        // the corruption may raise the logit difference instead: the sign follows
        assertEquals(0.75, PatchScore.restored(-0.5, -1, 1), 1e-12);
        assertEquals(0.75, PatchDirection.CLEAN_TO_CORRUPT.score(-0.5, -1, 1), 1e-12);
    }

    @Test
    void corruptIntoCleanMeasuresBreakage() {
        // a patch that takes the clean run from 5 to 2 breaks three quarters of the gap to 1
        assertEquals(0.75, PatchScore.broken(2, 5, 1), 1e-12);
        assertEquals(1.0, PatchScore.broken(1, 5, 1), 1e-12);
        assertEquals(0.0, PatchScore.broken(5, 5, 1), 1e-12);
        assertEquals(-0.5, PatchScore.broken(7, 5, 1), 1e-12);
        assertEquals(0.75, PatchDirection.CORRUPT_TO_CLEAN.score(2, 5, 1), 1e-12);
        assertEquals(0.5 - 0.75, PatchScore.asymmetry(PatchScore.restored(3, 5, 1), PatchScore.broken(2, 5, 1)), 1e-12);
    }

    @Test
    void noGapBetweenCleanAndCorruptIsNaN() {
        assertTrue(Double.isNaN(PatchScore.restored(3, 2, 2)));
        assertTrue(Double.isNaN(PatchScore.broken(3, 2, 2)));
        assertTrue(Double.isNaN(PatchScore.restored(3, 1e-6, 0)), "a gap of exactly 1e-6 is no gap");
        assertTrue(Double.isNaN(PatchScore.broken(3, 2, 2 + 0.9e-6)));
        assertTrue(Double.isNaN(PatchScore.restored(Double.NaN, 2, 2)));
        assertEquals(1.0, PatchScore.restored(2 + 2e-6, 2 + 2e-6, 2), 1e-9, "just above the threshold it is defined");
        assertTrue(Double.isNaN(PatchScore.asymmetry(Double.NaN, 0.5)));
    }

    @Test
    void directionsParseFromTheConfigValues() {
        assertEquals(List.of(PatchDirection.CLEAN_TO_CORRUPT), PatchDirection.parse("clean_to_corrupt"));
        assertEquals(List.of(PatchDirection.CORRUPT_TO_CLEAN), PatchDirection.parse("corrupt_to_clean"));
        assertEquals(List.of(PatchDirection.CLEAN_TO_CORRUPT, PatchDirection.CORRUPT_TO_CLEAN), PatchDirection.parse("both"));
        assertEquals(CleanCorruptRuns.Run.CORRUPT, PatchDirection.CLEAN_TO_CORRUPT.receiver());
        assertEquals(CleanCorruptRuns.Run.CLEAN, PatchDirection.CLEAN_TO_CORRUPT.source());
        assertThrows(IllegalArgumentException.class, () -> PatchDirection.parse("c2x"));
    }
}
