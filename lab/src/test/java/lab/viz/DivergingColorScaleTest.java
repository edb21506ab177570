package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class DivergingColorScaleTest {

    private final DivergingColorScale scale = new DivergingColorScale(2.0);

    @Test
    void zeroIsWhite() {
        assertEquals(Color.WHITE, scale.colorOf(0.0));
        assertEquals("#ffffff", scale.hexOf(0.0));
    }

    @Test
    void negativeIsBlueAndPositiveIsRed() {
        Color neg = scale.colorOf(-2.0);
        Color pos = scale.colorOf(2.0);
        assertEquals(new Color(0x2166AC), neg);
        assertEquals(new Color(0xB2182B), pos);
        Color mildNeg = scale.colorOf(-0.5);
        Color mildPos = scale.colorOf(0.5);
        assertTrue(mildNeg.getBlue() > mildNeg.getRed() + 20, "mild negative should be bluish: " + mildNeg);
        assertTrue(mildPos.getRed() > mildPos.getBlue() + 20, "mild positive should be reddish: " + mildPos);
    }

    @Test
    void saturationGrowsWithMagnitudeAndClampsBeyondTheLimit() {
        assertTrue(distanceFromWhite(scale.colorOf(-1.5)) > distanceFromWhite(scale.colorOf(-0.5)));
        assertTrue(distanceFromWhite(scale.colorOf(1.5)) > distanceFromWhite(scale.colorOf(0.5)));
        assertEquals(scale.colorOf(2.0), scale.colorOf(50.0));
        assertEquals(scale.colorOf(-2.0), scale.colorOf(-50.0));
    }

    @Test
    void limitsAreSymmetricMaxAbsOfTheData() {
        HeatmapData map = HeatmapData.indexed("t", "r", "c", new double[][] {{-0.25, 4.0}}, "v");
        DivergingColorScale fitted = DivergingColorScale.symmetricFor(map);
        assertEquals(4.0, fitted.limit());
        // -0.25 is a sixteenth of the limit: a pale blue, nowhere near saturated.
        assertTrue(distanceFromWhite(fitted.colorOf(-0.25)) < 40);
    }

    @Test
    void allZeroMapGetsAUsableScaleAndStaysWhite() {
        DivergingColorScale zero = DivergingColorScale.symmetricFor(
                HeatmapData.indexed("t", "r", "c", new double[2][2], "v"));
        assertEquals(1.0, zero.limit());
        assertEquals(Color.WHITE, zero.colorOf(0.0));
    }

    @Test
    void missingIsGreyAndBadLimitsAreRejected() {
        assertEquals(DivergingColorScale.MISSING, scale.colorOf(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new DivergingColorScale(-1));
        assertThrows(IllegalArgumentException.class, () -> new DivergingColorScale(Double.NaN));
    }

    static double distanceFromWhite(Color c) {
        int dr = 255 - c.getRed();
        int dg = 255 - c.getGreen();
        int db = 255 - c.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
