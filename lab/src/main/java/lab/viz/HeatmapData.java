package lab.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A 2-D result to draw as a heatmap, e.g. layer x head of the mean logit-difference change, or
 * layer x token position of a patching effect.
 *
 * <p>{@code values[row][col]} is the cell at {@code rowLabels.get(row)}, {@code colLabels.get(col)}.
 * NaN marks a cell that has no value (not measured, masked) and is drawn grey / "n/a"; infinities are
 * rejected because no colour scale can place them. The arrays are copied in and out so that a caller
 * mutating its buffer later cannot change an already-built report.
 *
 * @param title        heading of the picture
 * @param rowAxisName  what the rows are, e.g. "layer"
 * @param colAxisName  what the columns are, e.g. "head"
 * @param rowLabels    one label per row
 * @param colLabels    one label per column
 * @param values       rectangular matrix, rows x cols
 * @param valueLabel   what a cell's number means, e.g. "Δ logit diff"; names the colour bar
 * @param sign         whether the values can be negative: picks a diverging or a sequential colour scale
 * @param colorLimit   the magnitude drawn fully saturated, shared by maps that are read side by side
 *                     (e.g. one metric at several scales); NaN: this map's own largest |value|
 */
public record HeatmapData(
        String title,
        String rowAxisName,
        String colAxisName,
        List<String> rowLabels,
        List<String> colLabels,
        double[][] values,
        String valueLabel,
        ValueSign sign,
        double colorLimit) {

    public HeatmapData {
        if (colorLimit < 0 || Double.isInfinite(colorLimit)) {
            throw new IllegalArgumentException("colorLimit must be finite and >= 0 (or NaN: fit to the map), was " + colorLimit);
        }
        Objects.requireNonNull(sign, "sign");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(rowAxisName, "rowAxisName");
        Objects.requireNonNull(colAxisName, "colAxisName");
        Objects.requireNonNull(valueLabel, "valueLabel");
        rowLabels = List.copyOf(Objects.requireNonNull(rowLabels, "rowLabels"));
        colLabels = List.copyOf(Objects.requireNonNull(colLabels, "colLabels"));
        Objects.requireNonNull(values, "values");
        if (rowLabels.isEmpty() || colLabels.isEmpty()) {
            throw new IllegalArgumentException("a heatmap needs at least one row and one column");
        }
        if (values.length != rowLabels.size()) {
            throw new IllegalArgumentException(
                    "values has " + values.length + " rows but there are " + rowLabels.size() + " row labels");
        }
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            if (values[r] == null || values[r].length != colLabels.size()) {
                throw new IllegalArgumentException("row " + r + " has "
                        + (values[r] == null ? "no" : values[r].length) + " values but there are "
                        + colLabels.size() + " column labels");
            }
            for (int c = 0; c < values[r].length; c++) {
                if (Double.isInfinite(values[r][c])) {
                    throw new IllegalArgumentException("cell [" + r + "][" + c + "] is infinite");
                }
            }
            copy[r] = values[r].clone();
        }
        values = copy;
    }

    /** A map whose colours are fitted to its own values. */
    public HeatmapData(String title, String rowAxisName, String colAxisName, List<String> rowLabels,
                       List<String> colLabels, double[][] values, String valueLabel, ValueSign sign) {
        this(title, rowAxisName, colAxisName, rowLabels, colLabels, values, valueLabel, sign, Double.NaN);
    }

    /** A map of signed values (the common case: effects and differences). */
    public HeatmapData(String title, String rowAxisName, String colAxisName, List<String> rowLabels,
                       List<String> colLabels, double[][] values, String valueLabel) {
        this(title, rowAxisName, colAxisName, rowLabels, colLabels, values, valueLabel, ValueSign.SIGNED);
    }

    /** This map with the given value sign. */
    public HeatmapData withSign(ValueSign newSign) {
        return new HeatmapData(title, rowAxisName, colAxisName, rowLabels, colLabels, values, valueLabel, newSign, colorLimit);
    }

    /** This map coloured on a scale whose saturated end is {@code limit} (shared with the maps read beside it). */
    public HeatmapData withColorLimit(double limit) {
        return new HeatmapData(title, rowAxisName, colAxisName, rowLabels, colLabels, values, valueLabel, sign, limit);
    }

    /** The magnitude the colour scale saturates at: the shared limit when set, else this map's largest |value|. */
    public double scaleLimit() {
        return Double.isNaN(colorLimit) ? maxAbs() : colorLimit;
    }

    /**
     * A heatmap whose rows and columns are numbered 0..n-1, the usual case for layer, head and
     * token position.
     */
    public static HeatmapData indexed(String title, String rowAxisName, String colAxisName,
                                      double[][] values, String valueLabel) {
        Objects.requireNonNull(values, "values");
        int cols = values.length == 0 || values[0] == null ? 0 : values[0].length;
        return new HeatmapData(title, rowAxisName, colAxisName,
                indexLabels(values.length), indexLabels(cols), values, valueLabel);
    }

    private static List<String> indexLabels(int n) {
        List<String> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            labels.add(Integer.toString(i));
        }
        return labels;
    }

    public int rows() {
        return rowLabels.size();
    }

    public int cols() {
        return colLabels.size();
    }

    public double value(int row, int col) {
        return values[row][col];
    }

    /** A copy, so the record stays immutable. */
    @Override
    public double[][] values() {
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            copy[r] = values[r].clone();
        }
        return copy;
    }

    /** Largest absolute finite value; 0 when every cell is zero or NaN. */
    public double maxAbs() {
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max;
    }

    public boolean hasMissingCells() {
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isNaN(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    // Records compare arrays by identity; value semantics are what callers and tests expect.
    @Override
    public boolean equals(Object o) {
        return o instanceof HeatmapData h
                && title.equals(h.title) && rowAxisName.equals(h.rowAxisName)
                && colAxisName.equals(h.colAxisName) && rowLabels.equals(h.rowLabels)
                && colLabels.equals(h.colLabels) && java.util.Arrays.deepEquals(values, h.values)
                && valueLabel.equals(h.valueLabel) && sign == h.sign;
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, rowAxisName, colAxisName, rowLabels, colLabels,
                java.util.Arrays.deepHashCode(values), valueLabel, sign);
    }

    @Override
    public String toString() {
        return "HeatmapData[" + title + ", " + rows() + "x" + cols() + " " + rowAxisName + " x " + colAxisName + "]";
    }
}
