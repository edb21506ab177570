package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class McNemarTestTest {

    @Test
    void tenVersusTwoDiscordantPairs() {
        // exact: 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 * 79 / 4096 = 0.03857421875
        // corrected: (|10-2| - 1)^2 / 12 = 49/12; P(chi2_1 > 49/12) = 0.0433081428 (scipy chi2.sf)
        McNemarTest.Result r = McNemarTest.fromDiscordantCounts(10, 2);
        assertEquals(2 * 79 / 4096.0, r.exactP(), 1e-15);
        assertEquals(49.0 / 12.0, r.chiSquare(), 1e-12);
        assertEquals(0.04330814281079206, r.chiSquareP(), 1e-9);
    }

    @Test
    void largerCountsAgainstReferenceValues() {
        // scipy: binomtest(10, 35).pvalue = 0.016673847800120715; chi2.sf(196/35, 1) = 0.01796047752607879
        McNemarTest.Result r = McNemarTest.fromDiscordantCounts(25, 10);
        assertEquals(0.016673847800120715, r.exactP(), 1e-12);
        assertEquals(5.6, r.chiSquare(), 1e-12);
        assertEquals(0.01796047752607879, r.chiSquareP(), 1e-9);
        // The test is symmetric in which run is "A".
        assertEquals(r.exactP(), McNemarTest.fromDiscordantCounts(10, 25).exactP(), 0.0);
    }

    @Test
    void balancedOrNoDiscordanceGivesPOne() {
        McNemarTest.Result balanced = McNemarTest.fromDiscordantCounts(5, 5);
        assertEquals(1.0, balanced.exactP());
        assertEquals(0.0, balanced.chiSquare());
        assertEquals(1.0, balanced.chiSquareP());
        McNemarTest.Result none = McNemarTest.fromDiscordantCounts(0, 0);
        assertEquals(1.0, none.exactP());
        assertEquals(1.0, none.chiSquareP());
    }

    @Test
    void countsDiscordantPairsFromBooleanOutcomes() {
        boolean[] a = {true, true, true, false, false, true, false};
        boolean[] b = {true, false, false, true, false, false, false};
        // b = (T,F) at 1,2,5 -> 3 ; c = (F,T) at 3 -> 1; concordant pairs ignored.
        McNemarTest.Result r = McNemarTest.test(a, b);
        assertEquals(3, r.b());
        assertEquals(1, r.c());
        // exact: 2 * (C(4,0) + C(4,1)) / 16 = 10/16
        assertEquals(0.625, r.exactP(), 1e-15);
        // identical outcomes: nothing discordant
        assertEquals(1.0, McNemarTest.test(a, a).exactP());
    }

    @Test
    void extremeCountsStayFinite() {
        // 2 * 2^-2000 underflows to 0 in double; the log-space sum must still not produce NaN.
        McNemarTest.Result r = McNemarTest.fromDiscordantCounts(2000, 0);
        assertEquals(0.0, r.exactP(), 1e-300);
        assertEquals(1.0, McNemarTest.fromDiscordantCounts(1000, 1000).exactP(), 1e-12);
    }
}
