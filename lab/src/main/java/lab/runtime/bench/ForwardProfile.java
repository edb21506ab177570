package lab.runtime.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * Where a forward's wall time goes, by component. Every hook point but the attention pattern's
 * (hook_attn_scores, hook_pattern: hooking them would keep a fused attention path from running)
 * gets a reading hook that stamps the time; the interval that ends at a hook point is charged to
 * the component that produced it (the one ending at hook_q to the linear layers, at hook_z to
 * attention: scores, mask, softmax and mixing; from ln_final to the return to the unembedding).
 * On the CPU libtorch runs each op before the call returns, so the stamps need no sync; on other
 * devices each stamp reads one element, which syncs (and costs a little). A hooked point keeps its
 * activation to the end of the forward (ForwardPass#release frees only unhooked ones), so the
 * profiled forward holds more memory than a plain one; {@link Result#forwardSeconds()} beside the
 * plain median shows what that costs (on GPT-2-small, 8 x 128: 1.46 s against 1.48 s).
 *
 * <p>JNI and Java overhead cannot be timed apart from the ops it wraps, so it is estimated: the
 * number of tensors a forward makes (one per op, counted in the forward's memory scope) times the
 * wall time of one op on one-element tensors, where all but the overhead is nil. It is part of
 * the components' shares, not added to them.
 */
public final class ForwardProfile {

    /** Components in print order. */
    public static final List<String> COMPONENTS = List.of("embedding", "layer_norms", "linear_layers",
            "attention_scores_softmax_mix", "mlp_activation", "residual_adds", "unembedding");

    /**
     * @param seconds wall seconds per forward by component, {@link #COMPONENTS} order
     * @param forwardSeconds wall seconds of one profiled forward, hooks included
     * @param opsPerForward tensors one forward makes
     * @param secondsPerOp wall seconds of one op on one-element tensors
     */
    public record Result(Map<String, Double> seconds, double forwardSeconds, int opsPerForward, double secondsPerOp) {

        public double share(String component) {
            return seconds.get(component) / forwardSeconds;
        }

        /** Estimated JNI, Java and dispatch cost of one forward, as a share of its wall time. */
        public double overheadShare() {
            return opsPerForward * secondsPerOp / forwardSeconds;
        }
    }

    private ForwardProfile() {
    }

    /** Profiles {@code iterations} forwards of {@code tokens} [batch, pos] after one unprofiled warm-up. */
    public static Result run(HookedTransformer model, NDManager m, NDArray tokens, int iterations) {
        boolean sync = !ai.djl.Device.Type.CPU.equals(model.device().getDeviceType());
        List<String> names = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        int[] ops = new int[1];
        String last = "ln_final.hook_normalized";
        List<Hook> hooks = new ArrayList<>();
        for (String name : model.hookNames().all()) {
            if (name.endsWith("hook_attn_scores") || name.endsWith("hook_pattern")) {
                continue;
            }
            hooks.add(Hook.reading(name, x -> {
                if (sync) {
                    x.flatten().get(0).toFloatArray();
                }
                if (name.equals(last)) {
                    ops[0] = x.getManager().getManagedArrays().size();
                }
                names.add(name);
                stamps.add(System.nanoTime());
            }));
        }
        RunOptions options = RunOptions.defaults().withHooks(hooks.toArray(Hook[]::new));
        model.run(m, tokens, options).close();
        Map<String, Double> seconds = new LinkedHashMap<>();
        COMPONENTS.forEach(c -> seconds.put(c, 0.0));
        double total = 0;
        for (int i = 0; i < iterations; i++) {
            names.clear();
            stamps.clear();
            long start = System.nanoTime();
            try (var r = model.run(m, tokens, options)) {
                if (sync) {
                    r.output().flatten().get(0).toFloatArray();
                }
            }
            long end = System.nanoTime();
            total += (end - start) / 1e9;
            long previous = start;
            for (int s = 0; s < stamps.size(); s++) {
                seconds.merge(component(names.get(s)), (stamps.get(s) - previous) / 1e9, Double::sum);
                previous = stamps.get(s);
            }
            seconds.merge("unembedding", (end - previous) / 1e9, Double::sum);
        }
        int n = iterations;
        seconds.replaceAll((k, v) -> v / n);
        return new Result(seconds, total / n, ops[0], secondsPerOp(m));
    }

    /** The component whose ops end at hook point {@code name}. */
    static String component(String name) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        if (name.endsWith("hook_normalized")) {
            return "layer_norms";
        }
        return switch (leaf) {
            case "hook_embed", "hook_pos_embed" -> "embedding";
            case "hook_q", "hook_k", "hook_v", "hook_attn_out", "hook_pre", "hook_pre_linear", "hook_mlp_out" -> "linear_layers";
            case "hook_rot_q", "hook_rot_k", "hook_z" -> "attention_scores_softmax_mix";
            case "hook_post" -> "mlp_activation";
            // the embedding sum, and the residual stream's additions
            case "hook_resid_pre" -> name.startsWith("blocks.0.") ? "embedding" : "residual_adds";
            default -> "residual_adds";
        };
    }

    /** Wall seconds of one DJL op on one-element tensors: the fixed cost every op pays. */
    static double secondsPerOp(NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            NDArray a = scope.ones(new ai.djl.ndarray.types.Shape(1));
            NDArray b = scope.ones(new ai.djl.ndarray.types.Shape(1));
            int n = 4000;
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                try (NDManager inner = scope.newSubManager()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        NDArray c = a.add(b);
                        c.attach(inner);
                    }
                    best = Math.min(best, (System.nanoTime() - start) / 1e9 / n);
                }
            }
            return best;
        }
    }
}
