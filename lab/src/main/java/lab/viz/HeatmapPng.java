package lab.viz;

import lab.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * Draws a {@link HeatmapData} as a PNG with JFreeChart: title, labelled axes, its colour scale
 * ({@link ColorScale#forMap}: diverging around zero, or sequential from zero) and a colour bar. Row 0 is at the top, as in a matrix and in the usual
 * layer x head plots, and the HTML report uses the same orientation.
 */
public final class HeatmapPng {

    static {
        // Rendering needs no display; without this a server or CI without X11 fails on the first
        // font lookup. Only set when the caller has not decided otherwise.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 700;

    /** Columns beyond which long tick labels are turned vertical so neighbours do not overlap. */
    private static final int VERTICAL_LABELS_AFTER = 12;

    private HeatmapPng() {
    }

    public static void write(HeatmapData data, Path file) throws IOException {
        write(data, file, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public static void write(HeatmapData data, Path file, int width, int height) throws IOException {
        BufferedImage image = render(data, width, height);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available in this JRE");
            }
        });
    }

    public static BufferedImage render(HeatmapData data, int width, int height) {
        return render(data, width, height, null);
    }

    /** As {@link #render(HeatmapData, int, int)}; {@code info} receives where the cells were drawn. */
    static BufferedImage render(HeatmapData data, int width, int height, ChartRenderingInfo info) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("image must be at least 100x100, was " + width + "x" + height);
        }
        JFreeChart chart = chart(data, width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            chart.draw(g2, new Rectangle2D.Double(0, 0, width, height), info);
        } finally {
            g2.dispose();
        }
        return image;
    }

    static JFreeChart chart(HeatmapData data, int width, int height) {
        ColorScale colors = ColorScale.forMap(data);
        PaintScale paintScale = new ScaleAdapter(colors);

        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(paintScale);
        renderer.setBlockWidth(1);
        renderer.setBlockHeight(1);

        // Space left for the cells once title, axis names, tick labels and colour bar are placed.
        boolean verticalColLabels = data.cols() > VERTICAL_LABELS_AFTER && longestLabel(data.colLabels()) > 3;
        NumberAxis xAxis = LabelledIndexAxis.create(data.colAxisName(), data.colLabels(),
                width - 220, !verticalColLabels);
        xAxis.setVerticalTickLabels(verticalColLabels);
        NumberAxis yAxis = LabelledIndexAxis.create(data.rowAxisName(), data.rowLabels(), height - 160, false);
        yAxis.setInverted(true);

        XYPlot plot = new XYPlot(dataset(data), xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.DARK_GRAY);
        plot.setAxisOffset(new RectangleInsets(2, 2, 2, 2));
        plot.setDomainAxisLocation(AxisLocation.BOTTOM_OR_LEFT);

        JFreeChart chart = new JFreeChart(data.title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        // Anti-aliased block edges leave faint seams between cells; text stays smooth.
        chart.setAntiAlias(false);
        chart.setTextAntiAlias(true);
        chart.addSubtitle(colorBar(data, paintScale, colors));
        if (data.hasMissingCells()) {
            TextTitle note = new TextTitle("grey cells: n/a (no value)", new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            note.setPosition(RectangleEdge.BOTTOM);
            chart.addSubtitle(note);
        }
        return chart;
    }

    private static DefaultXYZDataset dataset(HeatmapData data) {
        int n = data.rows() * data.cols();
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[] zs = new double[n];
        int i = 0;
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < data.cols(); c++) {
                xs[i] = c;
                ys[i] = r;
                zs[i] = data.value(r, c);
                i++;
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries(data.valueLabel(), new double[][] {xs, ys, zs});
        return dataset;
    }

    private static PaintScaleLegend colorBar(HeatmapData data, PaintScale scale, ColorScale colors) {
        NumberAxis axis = new NumberAxis(data.valueLabel());
        axis.setRange(colors.low(), colors.high());
        // Left to itself the axis ticks every 0.05 over ±0.6; about three ticks a side of zero reads better.
        axis.setTickUnit(new NumberTickUnit(niceStep(colors.high() / 3)));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        PaintScaleLegend legend = new PaintScaleLegend(scale, axis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        legend.setStripWidth(16);
        legend.setSubdivisionCount(256);
        legend.setStripOutlineVisible(true);
        legend.setStripOutlinePaint(Color.DARK_GRAY);
        legend.setStripOutlineStroke(new BasicStroke(0.5f));
        legend.setMargin(new RectangleInsets(8, 12, 8, 8));
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    /** Smallest of 1, 2, 2.5, 5 x 10^k that is at least {@code raw}. */
    static double niceStep(double raw) {
        double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * decade >= raw * (1 - 1e-9)) {
                return m * decade;
            }
        }
        return 10 * decade;
    }

    private static int longestLabel(List<String> labels) {
        return labels.stream().mapToInt(String::length).max().orElse(0);
    }

    /** JFreeChart's view of the shared colour scale. */
    private record ScaleAdapter(ColorScale colors) implements PaintScale {
        @Override
        public double getLowerBound() {
            return colors.low();
        }

        @Override
        public double getUpperBound() {
            return colors.high();
        }

        @Override
        public Paint getPaint(double value) {
            return colors.colorOf(value);
        }
    }
}
