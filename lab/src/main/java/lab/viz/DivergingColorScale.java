package lab.viz;

import java.awt.Color;

/**
 * Diverging colour scale centred on zero: blue for negative, white for zero, red for positive.
 *
 * <p>Ablation and patching effects are signed and zero means "no effect", so the eye must find the
 * zero point without reading the colour bar. The limits are symmetric (±limit) so that equal
 * magnitudes get equal saturation on both sides; values beyond the limit are clamped. The stops are
 * ColorBrewer's RdBu (colour-blind safe) with a pure white centre. NaN maps to a neutral grey.
 *
 * <p>The same instance colours the PNG (via {@link HeatmapPng}) and the HTML report, so both media
 * agree cell for cell.
 */
public final class DivergingColorScale {

    /** Colour of a cell without a value. */
    public static final Color MISSING = new Color(0xBDBDBD);

    // From -1 (most negative) to +1 (most positive), evenly spaced.
    private static final Color[] STOPS = {
        new Color(0x2166AC), new Color(0x67A9CF), new Color(0xD1E5F0),
        Color.WHITE,
        new Color(0xFDDBC7), new Color(0xEF8A62), new Color(0xB2182B),
    };

    private final double limit;

    /**
     * @param limit the magnitude drawn fully saturated; a limit of zero (an all-zero map) is widened
     *              to 1 so that zeros still come out white instead of dividing by zero
     */
    public DivergingColorScale(double limit) {
        if (Double.isNaN(limit) || Double.isInfinite(limit) || limit < 0) {
            throw new IllegalArgumentException("limit must be finite and >= 0, was " + limit);
        }
        this.limit = limit == 0 ? 1 : limit;
    }

    /** The scale with symmetric limits ±max|value| of the given map. */
    public static DivergingColorScale symmetricFor(HeatmapData data) {
        return new DivergingColorScale(data.maxAbs());
    }

    public double limit() {
        return limit;
    }

    public Color colorOf(double value) {
        if (Double.isNaN(value)) {
            return MISSING;
        }
        double t = Math.max(-1, Math.min(1, value / limit));   // -1..1
        double pos = (t + 1) / 2 * (STOPS.length - 1);          // 0..stops-1
        int lo = Math.min((int) Math.floor(pos), STOPS.length - 2);
        double f = pos - lo;
        Color a = STOPS[lo];
        Color b = STOPS[lo + 1];
        return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
                mix(a.getBlue(), b.getBlue(), f));
    }

    /** CSS/SVG form, e.g. {@code #b2182b}. */
    public String hexOf(double value) {
        Color c = colorOf(value);
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
