package lab.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line on stderr: steps done, loss, tokens/s, ETA. Redrawn in place on a terminal; when
 * stderr is a file or pipe, a plain line every few percent instead, so logs stay readable.
 */
final class ProgressBar {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private long lastDraw;
    private long lastLinePercent = -1;

    ProgressBar(PrintStream out, long total) {
        this.out = out;
        this.total = total;
        this.terminal = System.console() != null;
    }

    void update(long step, double loss, double tokensPerSecond, double etaSeconds, boolean force) {
        long now = System.nanoTime();
        if (terminal) {
            if (!force && now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = (int) (WIDTH * step / total);
            out.print("\r[" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + line(step, loss, tokensPerSecond, etaSeconds));
            out.flush();
            return;
        }
        long percent = 100 * step / total;
        if (force || percent >= lastLinePercent + 5) {
            lastLinePercent = percent;
            out.println(line(step, loss, tokensPerSecond, etaSeconds));
        }
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }

    private String line(long step, double loss, double tps, double eta) {
        return String.format(Locale.ROOT, "step %d/%d  loss %.4f  %.0f tok/s  eta %d:%02d", step, total, loss, tps,
                (long) eta / 60, (long) eta % 60);
    }
}
