package lab.viz;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Human-readable numbers for labels, tooltips and tables: four significant digits by default, no trailing
 * zeros, scientific notation only for very small or very large magnitudes, and "n/a" for NaN.
 * Locale-independent so that reports look the same on every machine and CSV stays parseable.
 */
public final class ValueFormat {

    public static final String MISSING = "n/a";

    private ValueFormat() {
    }

    public static String format(double v) {
        return format(v, 4);
    }

    /** As {@link #format(double)} with the given number of significant digits. */
    public static String format(double v, int significantDigits) {
        if (significantDigits < 1) {
            throw new IllegalArgumentException("significantDigits must be >= 1, was " + significantDigits);
        }
        if (Double.isNaN(v)) {
            return MISSING;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        double abs = Math.abs(v);
        if (abs < 1e-4 || abs >= 1e6) {
            return String.format(Locale.ROOT, "%." + (significantDigits - 1) + "e", v);
        }
        return new BigDecimal(v).round(new MathContext(significantDigits)).stripTrailingZeros().toPlainString();
    }

    /** Full precision for machine-readable places (data attributes, CSV, JSON): round-trips exactly. */
    public static String exact(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }
}
