package lab.cli;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.experiments.bench.SweepBenchmark;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.bench.ForwardBenchmark;
import lab.runtime.bench.ForwardProfile;
import lab.runtime.bench.PeakRss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness bench forward}: forward throughput as a fraction of the machine's matmul rate. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Tokens/s of the forward pass (and, alternately, with every linear layer on libtorch's linear),"
                + " that rate as a fraction of the better matmul rate (libtorch's, oneDNN's) measured in the same run,"
                + " and heads_zero's head sweep against the naive loop (as bench sweep, on one prompt).")
final class BenchForwardCommand implements Runnable {

    @Mixin
    BenchModel model;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--iters", defaultValue = "5", description = "Timed forwards (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--sweep-seq", defaultValue = "32",
            description = "Tokens of the prompt the head sweep ablates; 0 skips the sweep (default: ${DEFAULT-VALUE}).")
    int sweepSeq;

    @Option(names = "--profile", description = "Also time the forward's components (share of wall time each; see ForwardProfile).")
    boolean profile;

    @Option(names = "--json", description = "Close the output with the figures as one JSON object on one line.")
    boolean json;

    @Override
    public void run() {
        if (batch < 1 || seq < 1 || iters < 1 || sweepSeq < 0) {
            throw new IllegalArgumentException("--batch, --seq and --iters must be at least 1 and --sweep-seq at least 0");
        }
        try (HookedTransformer m = model.open()) {
            int sequence = Math.min(seq, m.config().contextLength());
            ForwardBenchmark.Result r = ForwardBenchmark.run(m, batch, sequence, iters, model.seed);
            // heads_zero itself on one prompt (the naive loop runs a full forward per head: keep it short)
            SweepBenchmark.Result sweep = sweepSeq > 0 ? SweepBenchmark.run(m, 1, Math.min(sweepSeq, sequence), model.seed) : null;
            ForwardProfile.Result p = profile ? profile(m, sequence) : null;
            ModelConfig c = m.config();
            System.out.printf("model              %s, %d layers, d_model %d, %d heads, %,d parameters%n",
                    model.label(), c.nLayers(), c.dModel(), c.nHeads(), m.weights().parameterCount());
            System.out.printf("device             %s (%s), libtorch threads %d%n", m.device(), m.dtype(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("matmul rate        %.2f GFLOP/s (1024x1024 %s matmul, best of 5, before and after)%n", r.matmulFlops() / 1e9, m.dtype());
            if (!Double.isNaN(r.onednnMatmulFlops())) {
                System.out.printf("oneDNN matmul rate %.2f GFLOP/s (the same product through oneDNN's inner product)%n",
                        r.onednnMatmulFlops() / 1e9);
            }
            System.out.printf("linear layers      %s%n", r.linearPath());
            System.out.printf("forward            %.1f tokens/s (batch %d x %d tokens, %d forwards; median %.4f s each)%n",
                    r.tokensPerSecond(), r.batch(), r.sequence(), r.iterations(), r.medianForwardSeconds());
            if (!Double.isNaN(r.libtorchLinearTokensPerSecond())) {
                System.out.printf("  libtorch linear  %.1f tokens/s (the same forwards, alternating, linear layers on libtorch's"
                        + " linear): oneDNN %.2fx; max |logit difference| %.2e%n", r.libtorchLinearTokensPerSecond(),
                        r.linearPathSpeedup(), r.linearPathMaxAbsDiff());
            }
            System.out.printf("forward FLOP rate  %.2f GFLOP/s = %.3f of the better matmul rate%n", r.forwardFlops() / 1e9,
                    r.fractionOfMatmul());
            if (sweep != null) {
                System.out.printf("head-zero sweep    naive %.3f s, heads_zero %.3f s: %.2fx faster (max |logit diff| %.2e;"
                        + " %d tokens, every head)%n", sweep.naiveSeconds(), sweep.optimisedSeconds(), sweep.speedup(),
                        sweep.maxAbsDiff(), sweep.tokens());
            }
            if (p != null) {
                printProfile(p);
            }
            double rss = PeakRss.megabytes();
            System.out.printf("peak RSS           %.0f MiB%n", rss);
            if (json) {
                System.out.println(Json.line(figures(r, sweep, p, rss)));
            }
        }
    }

    private ForwardProfile.Result profile(HookedTransformer m, int sequence) {
        try (NDManager manager = NDManager.newBaseManager(m.device())) {
            return ForwardProfile.run(m, manager, m.tokens(manager, ForwardBenchmark.randomTokens(m.config(), batch, sequence, model.seed)), iters);
        }
    }

    private static void printProfile(ForwardProfile.Result p) {
        System.out.printf("profile            %.4f s per forward with a timing hook at every hook point but the attention pattern's%n",
                p.forwardSeconds());
        double sum = 0;
        for (String component : ForwardProfile.COMPONENTS) {
            System.out.printf("  %-30s %5.1f%%  %.4f s%n", component, 100 * p.share(component), p.seconds().get(component));
            sum += p.share(component);
        }
        System.out.printf("  %-30s %5.1f%%  (hook stamps and what no interval covers)%n", "unattributed", 100 * (1 - sum));
        System.out.printf("  JNI/Java/dispatch (estimate)   %5.1f%%  = %d ops per forward x %.1f us per op on 1-element tensors;"
                + " part of the shares above%n", 100 * p.overheadShare(), p.opsPerForward(), p.secondsPerOp() * 1e6);
    }

    private static Map<String, Object> figures(ForwardBenchmark.Result r, SweepBenchmark.Result sweep, ForwardProfile.Result p,
                                               double rss) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", r.batch());
        out.put("seq", r.sequence());
        out.put("iterations", r.iterations());
        out.put("tokens_per_s", r.tokensPerSecond());
        out.put("median_forward_s", r.medianForwardSeconds());
        out.put("matmul_gflops", r.matmulFlops() / 1e9);
        out.put("onednn_matmul_gflops", finiteOrNull(r.onednnMatmulFlops() / 1e9));
        out.put("linear_path", r.linearPath());
        out.put("libtorch_linear_tokens_per_s", finiteOrNull(r.libtorchLinearTokensPerSecond()));
        out.put("linear_path_speedup", finiteOrNull(r.linearPathSpeedup()));
        out.put("linear_path_max_abs_diff", finiteOrNull(r.linearPathMaxAbsDiff()));
        out.put("forward_gflops", r.forwardFlops() / 1e9);
        out.put("fraction_of_matmul", r.fractionOfMatmul());
        if (sweep != null) {
            out.put("sweep_naive_s", sweep.naiveSeconds());
            out.put("sweep_optimised_s", sweep.optimisedSeconds());
            out.put("sweep_max_abs_diff", sweep.maxAbsDiff());
        }
        if (p != null) {
            Map<String, Object> shares = new LinkedHashMap<>();
            ForwardProfile.COMPONENTS.forEach(c -> shares.put(c, p.share(c)));
            shares.put("jni_java_overhead_estimate", p.overheadShare());
            out.put("profile_forward_s", p.forwardSeconds());
            out.put("profile_share", shares);
            out.put("profile_ops_per_forward", p.opsPerForward());
        }
        out.put("peak_rss_mb", rss);
        return out;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
