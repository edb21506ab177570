package lab.cli;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.experiments.bench.SweepBenchmark;
import lab.runtime.HookedTransformer;
import lab.runtime.bench.ForwardBenchmark;
import lab.runtime.bench.PeakRss;
import lab.runtime.onednn.OneDnnLinear;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness bench sweep}: heads_zero over every head against the naive one-forward-per-head loop. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Zero each head in turn on random prompts: the naive loop (one full hooked forward per head, every"
                + " position unembedded) against heads_zero, their largest difference, and the FLOP rates.")
final class BenchSweepCommand implements Runnable {

    @Mixin
    BenchModel model;

    @Option(names = "--prompts", defaultValue = "4", description = "Random prompts (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--tokens", defaultValue = "16", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--json", description = "Close the output with the figures as one JSON object on one line.")
    boolean json;

    @Override
    public void run() {
        try (HookedTransformer m = model.open()) {
            double matmul;
            double onednn;
            try (NDManager manager = NDManager.newBaseManager(m.device())) {
                matmul = ForwardBenchmark.matmulFlops(manager, m.dtype());
                onednn = ForwardBenchmark.onednnMatmulFlops(manager, m.dtype());
            }
            SweepBenchmark.Result r = SweepBenchmark.run(m, prompts, tokens, model.seed);
            double rss = PeakRss.megabytes();
            System.out.printf("model              %s on %s, %d heads zeroed in turn, %d prompts x %d tokens%n",
                    model.label(), m.device(), r.heads(), r.prompts(), r.tokens());
            System.out.printf("naive              %.3f s (one full hooked forward per head, all-position logits)%n", r.naiveSeconds());
            System.out.printf("heads_zero         %.3f s: %.2fx faster%n", r.optimisedSeconds(), r.speedup());
            System.out.printf("max |difference|   logit_diff %.2e, kl %.2e%n", r.maxAbsDiff(), r.maxAbsDiffKl());
            System.out.printf("FLOP rates         heads_zero %.2f GFLOP/s; libtorch matmul %.2f GFLOP/s%s%n",
                    r.achievedFlops() / 1e9, matmul / 1e9, Double.isNaN(onednn) ? ""
                            : String.format(java.util.Locale.ROOT, ", oneDNN's %.2f (large linear layers on it)", onednn / 1e9));
            System.out.printf("peak RSS           %.0f MiB%n", rss);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("prompts", r.prompts());
                out.put("tokens", r.tokens());
                out.put("heads", r.heads());
                out.put("naive_s", r.naiveSeconds());
                out.put("optimised_s", r.optimisedSeconds());
                out.put("speedup", r.speedup());
                out.put("max_abs_diff", r.maxAbsDiff());
                out.put("max_abs_diff_kl", r.maxAbsDiffKl());
                out.put("matmul_gflops", matmul / 1e9);
                out.put("onednn_matmul_gflops", Double.isNaN(onednn) ? null : onednn / 1e9);
                out.put("linear_path", Double.isNaN(onednn) ? "libtorch" : OneDnnLinear.status());
                out.put("achieved_gflops", r.achievedFlops() / 1e9);
                out.put("peak_rss_mb", rss);
                System.out.println(Json.line(out));
            }
        }
    }
}
