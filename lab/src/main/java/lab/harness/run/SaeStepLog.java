package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import lab.io.AtomicFiles;
import lab.sae.SaeStepStats;
import lab.tracking.MetricPoint;
import lab.viz.LineChartPng;

/**
 * An SAE training run's step series: {@code sae_steps.csv} (rewritten whole, atomically), one PNG
 * per figure, and the MLflow points not yet handed out ({@code train/mse}, ...).
 */
final class SaeStepLog {

    static final String CSV = "sae_steps.csv";

    private record Figure(String name, String label, ToDoubleFunction<SaeStepStats> value) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("mse", "MSE per element", SaeStepStats::mse),
            new Figure("explained_variance", "explained variance", SaeStepStats::explainedVariance),
            new Figure("l0", "L0 (active features per token)", SaeStepStats::l0),
            new Figure("l1", "L1 (sum of activations per token)", SaeStepStats::l1),
            new Figure("dead_features", "dead features", s -> s.deadFeatures()),
            new Figure("loss", "training loss", SaeStepStats::loss),
            new Figure("aux_loss", "AuxK loss (weighted, in the training loss)", SaeStepStats::auxLoss),
            new Figure("lr", "learning rate", SaeStepStats::lr));

    private final Path dir;
    private final List<SaeStepStats> rows = new ArrayList<>();
    /** The last step handed to MLflow: rows at or before it are not sent again. */
    private long loggedThrough = -1;

    SaeStepLog(Path dir) {
        this.dir = dir;
    }

    /**
     * A resumed run's log: {@code kept} are the rows up to its checkpoint; {@code loggedThrough} the
     * last step its MLflow run already holds (empty: none, e.g. a new MLflow run), which can lie
     * beyond the checkpoint when the run was killed between logging and saving its state.
     */
    SaeStepLog(Path dir, List<SaeStepStats> kept, OptionalLong loggedThrough) {
        this.dir = dir;
        rows.addAll(kept);
        this.loggedThrough = loggedThrough.orElse(-1);
    }

    /** The MLflow key whose last step says how far the series was logged. */
    static String seriesKey() {
        return "train/" + FIGURES.get(0).name();
    }

    List<SaeStepStats> rows() {
        return Collections.unmodifiableList(rows);
    }

    void add(SaeStepStats s) {
        rows.add(s);
    }

    SaeStepStats last() {
        return rows.get(rows.size() - 1);
    }

    /** The rows after the last step handed out, as MLflow step series. */
    List<MetricPoint> newPoints() {
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>();
        for (SaeStepStats s : rows) {
            if (s.step() <= loggedThrough) {
                continue;
            }
            for (Figure f : FIGURES) {
                double v = f.value().applyAsDouble(s);
                if (Double.isFinite(v)) {
                    points.add(new MetricPoint("train/" + f.name(), v, s.step(), now));
                }
            }
        }
        if (!rows.isEmpty()) {
            loggedThrough = Math.max(loggedThrough, last().step());
        }
        return points;
    }

    void writeCsv() throws IOException {
        StringBuilder out = new StringBuilder("step,tokens");
        FIGURES.forEach(f -> out.append(',').append(f.name()));
        out.append('\n');
        for (SaeStepStats s : rows) {
            out.append(s.step()).append(',').append(s.tokens());
            for (Figure f : FIGURES) {
                out.append(',').append(String.format(Locale.ROOT, "%.6g", f.value().applyAsDouble(s)));
            }
            out.append('\n');
        }
        AtomicFiles.writeString(dir.resolve(CSV), out.toString());
    }

    /** @return the PNGs written, one per figure but the learning rate */
    List<Path> writePlots(String title) throws IOException {
        List<Path> written = new ArrayList<>();
        if (rows.size() < 2) {
            return written;
        }
        double[] x = rows.stream().mapToDouble(SaeStepStats::step).toArray();
        for (Figure f : FIGURES.subList(0, FIGURES.size() - 1)) {
            double[] y = rows.stream().mapToDouble(f.value()).toArray();
            Path png = dir.resolve("sae_" + f.name() + ".png");
            LineChartPng.write(png, title + ": " + f.label(), "step", f.label(), List.of(new LineChartPng.Series(f.name(), x, y)));
            written.add(png);
        }
        return written;
    }
}
