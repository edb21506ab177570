package lab.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.experiments.bench.PatchBenchmark;
import lab.runtime.HookedTransformer;
import lab.runtime.bench.PeakRss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness bench patch}: activation_patch head_out (all positions) for every head on one pair. */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "activation_patch of every head's output (all positions, clean into corrupt) on one random pair:"
                + " patches/s, and the largest difference from one plain hooked forward per patch.")
final class BenchPatchCommand implements Runnable {

    @Mixin
    BenchModel model;

    @Option(names = "--tokens", defaultValue = "20", description = "Tokens of the clean and corrupt prompts (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--check-every", defaultValue = "1",
            description = "Recompute every N-th patch with a plain forward (default: ${DEFAULT-VALUE}: all).")
    int checkEvery;

    @Option(names = "--json", description = "Close the output with the figures as one JSON object on one line.")
    boolean json;

    @Override
    public void run() {
        try (HookedTransformer m = model.open()) {
            PatchBenchmark.Result r = PatchBenchmark.run(m, tokens, checkEvery, model.seed);
            double rss = PeakRss.megabytes();
            System.out.printf("model              %s on %s, head_out (all positions) of %d heads, one %d-token pair%n",
                    model.label(), m.device(), r.patches(), r.tokens());
            System.out.printf("activation_patch   %.3f s: %.1f patches/s%n", r.seconds(), r.patchesPerSecond());
            System.out.printf("plain forwards     %d patches in %.3f s: %.1f patches/s%n", r.checked(), r.plainSeconds(),
                    r.plainPatchesPerSecond());
            System.out.printf("max |difference|   patched logit_diff %.2e over the %d checked patches%n", r.maxAbsDiff(), r.checked());
            System.out.printf("peak RSS           %.0f MiB%n", rss);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tokens", r.tokens());
                out.put("patches", r.patches());
                out.put("seconds", r.seconds());
                out.put("patches_per_s", r.patchesPerSecond());
                out.put("checked", r.checked());
                out.put("plain_patches_per_s", r.plainPatchesPerSecond());
                out.put("max_abs_diff", r.maxAbsDiff());
                out.put("peak_rss_mb", rss);
                System.out.println(Json.line(out));
            }
        }
    }
}
