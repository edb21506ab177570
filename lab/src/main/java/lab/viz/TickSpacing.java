package lab.viz;

/**
 * How many cells apart to put axis labels so that neighbours never overlap: 48 token positions
 * cannot all be labelled in 700 pixels. Shared by the PNG and the SVG so both thin alike.
 */
final class TickSpacing {

    private TickSpacing() {
    }

    /**
     * Smallest step in 1, 2, 5, 10, 20, 50 ... at which every shown label fits.
     *
     * @param count       number of cells along the axis
     * @param perLabelPx  room one label needs along the axis, gap included
     * @param availablePx room the whole axis gets
     */
    static int step(int count, double perLabelPx, double availablePx) {
        int[] mantissas = {1, 2, 5};
        for (long decade = 1; ; decade *= 10) {
            for (int m : mantissas) {
                long step = m * decade;
                long shown = (count + step - 1) / step;
                if (shown * perLabelPx <= availablePx || step >= count) {
                    return (int) Math.max(1, step);
                }
            }
        }
    }
}
