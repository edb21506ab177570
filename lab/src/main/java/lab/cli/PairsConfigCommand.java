package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import lab.harness.config.PairsConfigFromRun;
import lab.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness pairs-config}: a heads_pair_zero config over the strongest heads of a heads_zero run. */
@Command(name = "pairs-config", mixinStandardHelpOptions = true,
        description = "Write a heads_pair_zero run config that ablates every pair among the top-k heads of a finished"
                + " heads_zero run (largest |mean change| of --metric at scale 0; logit_diff: ablated minus clean),"
                + " with the run's model, data, metrics, seeds and ablation.")
final class PairsConfigCommand implements Runnable {

    @Option(names = "--from-run", required = true, paramLabel = "RUN_DIR", description = "A finished heads_zero run directory.")
    Path fromRun;

    @Option(names = "--top-k", required = true, paramLabel = "K", description = "How many of its strongest heads to pair.")
    int topK;

    @Option(names = "--metric", defaultValue = "logit_diff", description = "Metric to rank heads by (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Config file to write.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Override
    public void run() {
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " exists; give another --out, or --force to replace it");
        }
        PairsConfigFromRun.Result result = PairsConfigFromRun.build(fromRun, topK, metric);
        try {
            AtomicFiles.writeString(out, Json.pretty(result.config()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        String heads = result.heads().stream().map(h -> String.format("L%dH%d %+.3f", h.layer(), h.head(), h.change()))
                .collect(Collectors.joining(", "));
        System.out.printf("wrote %s: heads_pair_zero over %d pairs of the top %d heads of %s by %s change: %s%n", out,
                result.config().path("experiment").path("pairs").size(), topK, fromRun, metric, heads);
    }
}
