package lab.viz;

import java.awt.Color;

/**
 * Maps a cell's value to its colour, the same for the PNG ({@link HeatmapPng}) and the report's
 * SVG ({@link HeatmapSvg}) so both media agree cell for cell. NaN maps to {@link #MISSING}.
 */
public interface ColorScale {

    /** Colour of a cell without a value. */
    Color MISSING = new Color(0xBDBDBD);

    /** The scale a map's {@link HeatmapData#sign()} calls for, fitted to its values. */
    static ColorScale forMap(HeatmapData data) {
        return switch (data.sign()) {
            case SIGNED -> DivergingColorScale.symmetricFor(data);
            case NON_NEGATIVE -> SequentialColorScale.fromZeroFor(data);
        };
    }

    /** Value at the bottom of the colour bar. */
    double low();

    /** Value at the top of the colour bar. */
    double high();

    Color colorOf(double value);

    /** CSS/SVG form, e.g. {@code #b2182b}. */
    default String hexOf(double value) {
        Color c = colorOf(value);
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** Linear interpolation between evenly spaced stops, t in [0, 1] (clamped). */
    static Color interpolate(Color[] stops, double t) {
        double pos = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int lo = Math.min((int) Math.floor(pos), stops.length - 2);
        double f = pos - lo;
        Color a = stops[lo];
        Color b = stops[lo + 1];
        return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
                mix(a.getBlue(), b.getBlue(), f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
