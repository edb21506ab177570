package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;

/** Maps of values that cannot be negative: white at zero, darker with the value, no blue half. */
class SequentialColorScaleTest {

    private final SequentialColorScale scale = new SequentialColorScale(2.0);

    @Test
    void zeroIsWhiteAndTheLimitIsTheDarkestStop() {
        assertEquals(Color.WHITE, scale.colorOf(0.0));
        assertEquals(new Color(0x4A1486), scale.colorOf(2.0));
        assertEquals(scale.colorOf(2.0), scale.colorOf(9.0));
        assertEquals(Color.WHITE, scale.colorOf(-1.0), "below zero clamps to white");
        assertEquals(ColorScale.MISSING, scale.colorOf(Double.NaN));
        assertTrue(DivergingColorScaleTest.distanceFromWhite(scale.colorOf(1.5))
                > DivergingColorScaleTest.distanceFromWhite(scale.colorOf(0.5)));
        assertEquals(0.0, scale.low());
        assertEquals(2.0, scale.high());
        assertThrows(IllegalArgumentException.class, () -> new SequentialColorScale(Double.NaN));
    }

    @Test
    void aMapPicksItsScaleFromItsSign() {
        HeatmapData signed = HeatmapData.indexed("t", "r", "c", new double[][] {{0.5, 4.0}}, "v");
        ColorScale diverging = ColorScale.forMap(signed);
        assertInstanceOf(DivergingColorScale.class, diverging);
        assertEquals(-4.0, diverging.low());
        ColorScale sequential = ColorScale.forMap(signed.withSign(ValueSign.NON_NEGATIVE));
        assertInstanceOf(SequentialColorScale.class, sequential);
        assertEquals(0.0, sequential.low());
        assertEquals(4.0, sequential.high());
        // the same small positive value: pale red on the diverging scale, purple (blue > green) on the sequential one
        assertTrue(diverging.colorOf(2.0).getRed() > diverging.colorOf(2.0).getBlue());
        assertTrue(sequential.colorOf(2.0).getBlue() > sequential.colorOf(2.0).getGreen());
    }

    @Test
    void pngAndSvgDrawANonNegativeMapFromZero() {
        HeatmapData kl = HeatmapData.indexed("kl", "layer", "head", new double[][] {{0.0, 3.0}}, "mean kl")
                .withSign(ValueSign.NON_NEGATIVE);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = HeatmapPng.render(kl, 500, 400, info);
        Rectangle2D cells = info.getPlotInfo().getDataArea();
        Color zero = new Color(image.getRGB((int) (cells.getX() + cells.getWidth() / 4), (int) cells.getCenterY()));
        Color top = new Color(image.getRGB((int) (cells.getX() + cells.getWidth() * 3 / 4), (int) cells.getCenterY()));
        assertTrue(DivergingColorScaleTest.distanceFromWhite(zero) < 10, "zero cell should be white: " + zero);
        assertEquals(new Color(0x4A1486), top);
        String svg = HeatmapSvg.render(kl, "k");
        assertTrue(svg.contains("fill=\"#4a1486\""), "largest cell darkest purple");
        assertTrue(svg.contains(">1.5</text>") && !svg.contains(">-3</text>"), "colour bar runs 0..3 with 1.5 in the middle");
    }
}
