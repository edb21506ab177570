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
 * <p>Signed metrics get this scale, those that cannot be negative a {@link SequentialColorScale}
 * ({@link ColorScale#forMap}). The same instance colours the PNG and the HTML report.
 */
public final class DivergingColorScale implements ColorScale {

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
        this.limit = ColorScale.usableLimit(limit);
    }

    /** The scale with symmetric limits ±max|value| of the given map. */
    public static DivergingColorScale symmetricFor(HeatmapData data) {
        return new DivergingColorScale(data.scaleLimit());
    }

    public double limit() {
        return limit;
    }

    @Override
    public double low() {
        return -limit;
    }

    @Override
    public double high() {
        return limit;
    }

    @Override
    public Color colorOf(double value) {
        if (Double.isNaN(value)) {
            return MISSING;
        }
        return ColorScale.interpolate(STOPS, (value / limit + 1) / 2);
    }
}
