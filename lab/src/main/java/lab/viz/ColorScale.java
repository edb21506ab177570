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

    /**
     * A scale's limit checked (finite, >= 0) and widened from 0 (an all-zero map) to 1, so that
     * zeros still come out white instead of dividing by zero.
     */
    static double usableLimit(double limit) {
        if (Double.isNaN(limit) || Double.isInfinite(limit) || limit < 0) {
            throw new IllegalArgumentException("limit must be finite and >= 0, was " + limit);
        }
        return limit == 0 ? 1 : limit;
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
