package lab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    @Test
    void dominationNeedsAtLeastAsGoodOnBothAndStrictlyBetterOnOne() {
        RankDirection higher = RankDirection.DESCENDING;
        assertTrue(ParetoFront.dominates(0.9, 10, 0.8, 20, higher), "better and faster");
        assertTrue(ParetoFront.dominates(0.9, 10, 0.9, 20, higher), "equal metric, faster");
        assertTrue(ParetoFront.dominates(0.9, 10, 0.8, 10, higher), "better metric, equal time");
        assertFalse(ParetoFront.dominates(0.9, 10, 0.9, 10, higher), "identical runs do not dominate");
        assertFalse(ParetoFront.dominates(0.9, 30, 0.8, 20, higher), "better but slower: a trade-off");
        assertTrue(ParetoFront.dominates(0.1, 10, 0.2, 10, RankDirection.ASCENDING), "lower loss wins");
        assertFalse(ParetoFront.dominates(0.1, 10, 0.2, 10, higher));
    }

    @Test
    void frontOfAHandMadeSet() {
        double[] acc = {0.90, 0.95, 0.85, 0.90, 0.80, 0.95};
        double[] time = {100, 300, 50, 200, 60, 300};
        // 0: on (nothing as good is as fast); 1 and 5: identical best, both on; 2: fastest, on;
        // 3: dominated by 0; 4: dominated by 2.
        assertArrayEquals(new boolean[] {true, true, true, false, false, true},
                ParetoFront.membership(acc, time, RankDirection.DESCENDING));
        // Read as a loss (lower is better) the picture flips: 4 (0.80 at 60 s) now beats 0 and 3.
        assertArrayEquals(new boolean[] {false, false, true, false, true, false},
                ParetoFront.membership(acc, time, RankDirection.ASCENDING));
    }
}
