package lab.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.io.AtomicFiles;
import lab.viz.LineChartPng;

/**
 * The loss curve of a run: one row per {@code log_every} steps (mean training loss over them,
 * learning rate, mean gradient norm before clipping, tokens seen, seconds), rewritten whole and atomically as {@code loss.csv} and
 * {@code loss.png}. A resumed run reads the rows back up to its checkpoint's step.
 */
public final class LossLog {

    /** One row of loss.csv. */
    public record Row(long step, double loss, double lr, double gradNorm, long tokens, double seconds) {
    }

    static final String HEADER = "step,loss,lr,grad_norm,tokens,seconds";

    private final Path csv;
    private final Path png;
    private final List<Row> rows = new ArrayList<>();

    public LossLog(Path runDir) {
        this.csv = runDir.resolve("loss.csv");
        this.png = runDir.resolve("loss.png");
    }

    /** Keeps the rows of an earlier run up to {@code step}. */
    public void resumeAt(long step) throws IOException {
        rows.clear();
        if (!Files.isRegularFile(csv)) {
            return;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.isBlank() || line.startsWith("step")) {
                continue;
            }
            String[] f = line.split(",");
            Row r = new Row(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Long.parseLong(f[4]), Double.parseDouble(f[5]));
            if (r.step() <= step) {
                rows.add(r);
            }
        }
    }

    public void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public void write(String title) throws IOException {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%d,%.6f,%.6g,%.4f,%d,%.2f%n", r.step(), r.loss(), r.lr(), r.gradNorm(),
                    r.tokens(), r.seconds()));
        }
        AtomicFiles.writeString(csv, out.toString());
        if (rows.size() >= 2) {
            double[] x = rows.stream().mapToDouble(Row::step).toArray();
            double[] y = rows.stream().mapToDouble(Row::loss).toArray();
            LineChartPng.write(png, title, "step", "training loss (nats/token)", List.of(new LineChartPng.Series("train", x, y)));
        }
    }
}
