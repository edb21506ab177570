package lab.viz;

import java.awt.Font;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;

/**
 * A JFreeChart axis over cell indices 0..n-1 that shows the caller's label at each tick and thins
 * the ticks so neighbouring labels never overlap.
 *
 * <p>JFreeChart's own {@code SymbolAxis} prints every label, which turns 48 token positions into an
 * unreadable smear; its automatic tick selection measures only the labels at the range ends, which
 * is wrong when the labels are tokens of varying length. So the step is chosen here, from the label
 * sizes and the space the axis will get (see {@link TickSpacing}).
 */
final class LabelledIndexAxis {

    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font NAME_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    // Rough pixel sizes of TICK_FONT; erring large only thins ticks a little more than needed.
    private static final double CHAR_WIDTH_PX = 7;
    private static final double LINE_HEIGHT_PX = 15;
    private static final double LABEL_GAP_PX = 8;

    private LabelledIndexAxis() {
    }

    /**
     * @param availablePx     roughly how many pixels the axis will span
     * @param labelsAlongAxis true when each label's length runs along the axis (horizontal text on the
     *                        x axis); false when only its line height does (y axis, or vertical text)
     */
    static NumberAxis create(String name, List<String> labels, double availablePx, boolean labelsAlongAxis) {
        int longest = labels.stream().mapToInt(String::length).max().orElse(1);
        double perLabelPx = (labelsAlongAxis ? longest * CHAR_WIDTH_PX : LINE_HEIGHT_PX) + LABEL_GAP_PX;
        int step = TickSpacing.step(labels.size(), perLabelPx, availablePx);

        NumberAxis axis = new NumberAxis(name);
        axis.setAutoRange(false);
        // Blocks are centred on integer positions; half a cell each side shows the outer cells whole.
        axis.setRange(-0.5, labels.size() - 0.5);
        axis.setTickUnit(new NumberTickUnit(step, new LabelFormat(labels)));
        axis.setMinorTickMarksVisible(false);
        axis.setLabelFont(NAME_FONT);
        axis.setTickLabelFont(TICK_FONT);
        return axis;
    }

    /** Prints the label of an integer tick; ticks between cells (none are made) would print blank. */
    private static final class LabelFormat extends NumberFormat {
        private final List<String> labels;

        LabelFormat(List<String> labels) {
            this.labels = List.copyOf(labels);
        }

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            long index = Math.round(number);
            if (Math.abs(number - index) < 1e-6) {
                return format(index, toAppendTo, pos);
            }
            return toAppendTo;
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            if (number >= 0 && number < labels.size()) {
                toAppendTo.append(labels.get((int) number));
            }
            return toAppendTo;
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            int index = labels.indexOf(source.substring(parsePosition.getIndex()));
            if (index < 0) {
                parsePosition.setErrorIndex(parsePosition.getIndex());
                return null;
            }
            parsePosition.setIndex(source.length());
            return index;
        }
    }
}
