package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.experiments.inspection.HeadPatterns;
import lab.harness.run.CleanPatterns;
import lab.runtime.HookedTransformer;
import lab.viz.AttentionPatternPage;
import lab.viz.AttentionPatterns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness patterns}: one prompt's attention patterns as a self-contained interactive HTML page. */
@Command(name = "patterns", mixinStandardHelpOptions = true,
        description = "Write the attention patterns of a prompt as a self-contained HTML page (CircuitsVis-style:"
                + " pick a head, hover tokens and cells).")
final class PatternsCommand implements Runnable {

    @Mixin
    ModelOptions model;

    @Option(names = "--text", required = true, description = "Prompt text.")
    String text;

    @Option(names = "--heads", split = ",", paramLabel = "L.H",
            description = "Heads to show, e.g. 1.1,0.3 (default: every head).")
    List<String> heads;

    @Option(names = "--prepend-bos", description = "Put the BOS token before --text.")
    boolean prependBos;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "Output page (written atomically).")
    Path out;

    @Override
    public void run() {
        List<int[]> chosen = heads == null ? null : parse(heads);
        try (HookedTransformer m = model.load()) {
            long[] ids = m.tokenizer().encode(text, prependBos);
            if (ids.length == 0) {
                throw new IllegalArgumentException("--text has no tokens; give a non-empty prompt");
            }
            if (ids.length > m.config().contextLength()) {
                throw new IllegalArgumentException("--text is " + ids.length + " tokens, longer than the model's context of "
                        + m.config().contextLength());
            }
            List<int[]> shown = chosen == null ? HeadPatterns.every(m.config()) : chosen;
            AttentionPatterns patterns = CleanPatterns.of(m, model.dir.getFileName() + ": " + text, ids, shown);
            AttentionPatternPage.write(patterns, out);
            System.out.println("wrote " + out + ": " + shown.size() + " heads x " + ids.length + " tokens");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    static List<int[]> parse(List<String> specs) {
        List<int[]> out = new ArrayList<>();
        for (String s : specs) {
            String[] parts = s.trim().split("\\.");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                out.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--heads entry '" + s + "' is not LAYER.HEAD (e.g. 1.3)");
            }
        }
        return out;
    }
}
