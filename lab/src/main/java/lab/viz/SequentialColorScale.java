package lab.viz;

import java.awt.Color;

/**
 * Sequential colour scale from zero: white at 0, darkening to deep purple at the limit.
 *
 * <p>For metrics that cannot be negative (a KL divergence, a flip rate) a diverging scale would
 * waste its whole blue half and paint "no effect" in the middle of the bar; here zero is white, as
 * on the diverging scale, so "nothing happened" reads the same on every map. The hue (ColorBrewer's
 * Purples, colour-blind safe) differs from the diverging scale's red so a reader does not take a
 * divergence for a signed effect. Values below zero (none should occur) are clamped to white,
 * values above the limit to the darkest stop; NaN is grey.
 */
public final class SequentialColorScale implements ColorScale {

    private static final Color[] STOPS = {
        Color.WHITE, new Color(0xDADAEB), new Color(0xBCBDDC), new Color(0x9E9AC8),
        new Color(0x807DBA), new Color(0x6A51A3), new Color(0x4A1486),
    };

    private final double limit;

    /** @param limit the value drawn darkest; zero (an all-zero map) is widened to 1 so zeros stay white */
    public SequentialColorScale(double limit) {
        this.limit = ColorScale.usableLimit(limit);
    }

    /** The scale from 0 to the map's largest value. */
    public static SequentialColorScale fromZeroFor(HeatmapData data) {
        return new SequentialColorScale(data.scaleLimit());
    }

    @Override
    public double low() {
        return 0;
    }

    @Override
    public double high() {
        return limit;
    }

    @Override
    public Color colorOf(double value) {
        return Double.isNaN(value) ? MISSING : ColorScale.interpolate(STOPS, value / limit);
    }
}
