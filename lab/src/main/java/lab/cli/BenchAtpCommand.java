package lab.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.experiments.bench.AttributionBench;
import lab.experiments.patching.AttributionMethod;
import lab.experiments.patching.PatchGranularity;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.bench.PeakRss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harness bench atp}: attribution patching against the exact per-position patches it estimates. */
@Command(name = "atp", mixinStandardHelpOptions = true,
        description = "Time attribution_patch against the activation_patch sweep it estimates (--granularity per position:"
                + " every layer, head and position for head_out; clean into corrupt) on one random clean/corrupt pair.")
final class BenchAtpCommand implements Runnable {

    @Mixin
    BenchModel model;

    @Option(names = "--granularity", defaultValue = "head_out", description = "What each patch replaces, per position:"
            + " head_out, head_q, head_k (per head), layer_resid, attn_out, mlp_out (default: ${DEFAULT-VALUE}).")
    String granularity;

    @Option(names = "--method", description = "The estimate: atp, atp_star (head_q, head_k, layer_resid) or ig; default"
            + " the granularity's own (atp_star for head_q, head_k and layer_resid, else atp).")
    String method;

    @Option(names = "--tokens", defaultValue = "20", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--exact-positions", defaultValue = "5", description = "Positions the exact sweep is timed on"
            + " (every layer and head); its time is extrapolated to all --tokens in proportion to patches. The default"
            + " makes 60 patches a layer on GPT-2's 12 heads, about one batch of 64 like the whole sweep's; equal to"
            + " --tokens to time the whole sweep (default: ${DEFAULT-VALUE}).")
    int exactPositions;

    @Option(names = "--repeats", defaultValue = "1", description = "Timed attribution runs after each layer's exact"
            + " patches; the median of all is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--json", description = "Also print one JSON object on the last line.")
    boolean json;

    @Override
    public void run() {
        try (HookedTransformer m = model.open()) {
            PatchGranularity g;
            AttributionMethod estimate;
            try {
                g = PatchGranularity.parse(granularity);
                estimate = method == null ? null : AttributionMethod.parse(TextNode.valueOf(method), g);
                if (estimate != null) {
                    estimate.requireFits(g);
                }
            } catch (IllegalArgumentException e) {
                // the experiment's parsers name config keys; here they are this command's options
                throw new IllegalArgumentException(e.getMessage().replace("experiment.granularity", "--granularity")
                        .replace("experiment.method", "--method"), e);
            }
            AttributionBench.Result r = AttributionBench.run(m, g, estimate, tokens, exactPositions, repeats, model.seed);
            ModelConfig c = m.config();
            System.out.printf("model        %s, %d layers x %d heads, %d tokens, %s on %s%n",
                    model.label(), c.nLayers(), c.nHeads(), r.tokens(), m.dtype(), m.device());
            System.out.printf("exact        %.3f s for %d %s patches, one per position%s%n", r.exactSeconds(),
                    r.exactPatches(), r.granularity(),
                    r.extrapolated() ? String.format(" (extrapolated from %d patches, %d positions, in %.3f s)",
                            r.measuredPatches(), exactPositions, r.exactMeasuredSeconds()) : "");
            System.out.printf("attribution  %.3f s (%s, median of %d runs, between the exact layers): every patch estimated%n",
                    r.atpSeconds(), r.method(), r.atpRuns());
            System.out.printf("speedup      %.1fx%n", r.speedup());
            double peak = PeakRss.megabytes();
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("granularity", r.granularity());
                out.put("method", r.method());
                out.put("layers", r.layers());
                out.put("heads", r.heads());
                out.put("tokens", r.tokens());
                out.put("patches", r.exactPatches());
                out.put("exact_s", r.exactSeconds());
                out.put("exact_extrapolated", r.extrapolated());
                out.put("exact_measured_patches", r.measuredPatches());
                out.put("exact_measured_s", r.exactMeasuredSeconds());
                out.put("atp_s", r.atpSeconds());
                out.put("atp_runs", r.atpRuns());
                out.put("speedup", r.speedup());
                out.put("peak_rss_mb", Double.isNaN(peak) ? null : peak);
                System.out.println(Json.line(out));
            }
        }
    }
}
