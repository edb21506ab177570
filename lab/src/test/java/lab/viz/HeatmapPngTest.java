package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapPngTest {

    @TempDir
    Path dir;

    @Test
    void writesADecodablePngOfTheRequestedSize() throws IOException {
        Path png = dir.resolve("maps/layer_head.png");
        HeatmapPng.write(ReportRenderFixture.layerByHead(), png, 640, 480);

        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        BufferedImage decoded = ImageIO.read(png.toFile());
        assertNotNull(decoded, "ImageIO must decode the file");
        assertEquals(640, decoded.getWidth());
        assertEquals(480, decoded.getHeight());
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(1, files.count(), "only the PNG, no temp file");
        }
    }

    @Test
    void defaultSizeIsUsedWhenNoneIsGiven() throws IOException {
        Path png = dir.resolve("default.png");
        HeatmapPng.write(ReportRenderFixture.layerByPosition(), png);
        BufferedImage decoded = ImageIO.read(png.toFile());
        assertEquals(HeatmapPng.DEFAULT_WIDTH, decoded.getWidth());
        assertEquals(HeatmapPng.DEFAULT_HEIGHT, decoded.getHeight());
    }

    @Test
    void cellsAreColouredDivergingAroundZeroWithRowZeroOnTop() throws IOException {
        // Row 0: strongly negative, zero; row 1: missing, strongly positive.
        HeatmapData map = HeatmapData.indexed("signs", "layer", "head",
                new double[][] {{-3.0, 0.0}, {Double.NaN, 3.0}}, "effect");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = HeatmapPng.render(map, 500, 400, info);
        Rectangle2D cells = info.getPlotInfo().getDataArea();

        Color negative = cellColor(image, cells, map, 0, 0);
        Color zero = cellColor(image, cells, map, 0, 1);
        Color missing = cellColor(image, cells, map, 1, 0);
        Color positive = cellColor(image, cells, map, 1, 1);

        assertTrue(negative.getBlue() > negative.getRed() + 80, "negative cell should be blue: " + negative);
        assertTrue(positive.getRed() > positive.getBlue() + 80, "positive cell should be red: " + positive);
        assertTrue(DivergingColorScaleTest.distanceFromWhite(zero) < 10, "zero cell should be white: " + zero);
        assertEquals(DivergingColorScale.MISSING, missing);

        // And the file decodes to the same picture.
        Path png = dir.resolve("signs.png");
        HeatmapPng.write(map, png, 500, 400);
        BufferedImage decoded = ImageIO.read(png.toFile());
        assertEquals(negative, cellColor(decoded, cells, map, 0, 0));
        assertEquals(positive, cellColor(decoded, cells, map, 1, 1));
    }

    @Test
    void drawsAColourBarBesideTheCells() {
        HeatmapData map = HeatmapData.indexed("bar", "layer", "head", new double[][] {{-1, 1}}, "effect");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = HeatmapPng.render(map, 500, 400, info);
        Rectangle2D cells = info.getPlotInfo().getDataArea();
        // Right of the cells there must be a column that runs from red at the top through white to
        // blue at the bottom: the colour bar, positive up.
        boolean foundBar = false;
        for (int x = (int) cells.getMaxX() + 5; x < image.getWidth() && !foundBar; x++) {
            int firstRed = -1;
            int firstWhiteAfterRed = -1;
            int firstBlueAfterWhite = -1;
            for (int y = 0; y < image.getHeight(); y++) {
                Color c = new Color(image.getRGB(x, y));
                if (firstRed < 0 && c.getRed() > c.getBlue() + 80) {
                    firstRed = y;
                } else if (firstRed >= 0 && firstWhiteAfterRed < 0 && c.equals(Color.WHITE)) {
                    firstWhiteAfterRed = y;
                } else if (firstWhiteAfterRed >= 0 && firstBlueAfterWhite < 0 && c.getBlue() > c.getRed() + 80) {
                    firstBlueAfterWhite = y;
                }
            }
            foundBar = firstBlueAfterWhite - firstRed > image.getHeight() / 2;
        }
        assertTrue(foundBar, "a red-to-blue colour bar should stand right of the cells");
    }

    @Test
    void allZeroAndSingleCellMapsRender() {
        BufferedImage zeros = HeatmapPng.render(ReportRenderFixture.allZero(), 300, 200);
        assertEquals(300, zeros.getWidth());
        ChartRenderingInfo info = new ChartRenderingInfo();
        HeatmapData single = HeatmapData.indexed("one", "r", "c", new double[][] {{0.0}}, "v");
        BufferedImage one = HeatmapPng.render(single, 300, 200, info);
        Color c = cellColor(one, info.getPlotInfo().getDataArea(), single, 0, 0);
        assertTrue(DivergingColorScaleTest.distanceFromWhite(c) < 10, "zero stays white: " + c);
    }

    @Test
    void colourBarStepIsANiceNumber() {
        assertEquals(0.2, HeatmapPng.niceStep(0.19), 1e-12);
        assertEquals(1.0, HeatmapPng.niceStep(0.833), 1e-12);
        assertEquals(2.5, HeatmapPng.niceStep(2.1), 1e-12);
        assertEquals(50.0, HeatmapPng.niceStep(30), 1e-12);
    }

    @Test
    void manyLabelsAreThinnedSoTheyDoNotOverlap() {
        assertEquals(1, TickSpacing.step(12, 20, 600));
        assertEquals(2, TickSpacing.step(48, 20, 600));   // 24 labels x 20 px fit in 600
        assertEquals(5, TickSpacing.step(100, 20, 600));
        // Nothing fits: the step passes the count, so only the first label is shown.
        assertEquals(5, TickSpacing.step(3, 500, 10));
    }

    private static Color cellColor(BufferedImage image, Rectangle2D cells, HeatmapData map, int row, int col) {
        double cellW = cells.getWidth() / map.cols();
        double cellH = cells.getHeight() / map.rows();
        int x = (int) (cells.getX() + (col + 0.5) * cellW);
        int y = (int) (cells.getY() + (row + 0.5) * cellH);
        return new Color(image.getRGB(x, y));
    }
}
