package lab.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The hook points a model has, in forward order, named exactly as TransformerLens names them. */
public final class HookNames {

    private final List<String> ordered;
    private final Set<String> known;

    public HookNames(ModelConfig config) {
        List<String> names = new ArrayList<>();
        names.add("hook_embed");
        if (config.positional() == ModelConfig.Positional.LEARNED) {
            names.add("hook_pos_embed");
        }
        boolean rotary = config.positional() == ModelConfig.Positional.ROTARY;
        for (int layer = 0; layer < config.nLayers(); layer++) {
            String b = "blocks." + layer;
            names.add(b + ".hook_resid_pre");
            names.add(b + ".ln1.hook_normalized");
            names.add(b + ".attn.hook_q");
            names.add(b + ".attn.hook_k");
            names.add(b + ".attn.hook_v");
            if (rotary) {
                names.add(b + ".attn.hook_rot_q");
                names.add(b + ".attn.hook_rot_k");
            }
            names.add(b + ".attn.hook_attn_scores");
            names.add(b + ".attn.hook_pattern");
            names.add(b + ".attn.hook_z");
            names.add(b + ".hook_attn_out");
            if (!config.parallelResidual()) {
                names.add(b + ".hook_resid_mid");
            }
            names.add(b + ".ln2.hook_normalized");
            names.add(b + ".mlp.hook_pre");
            if (config.gatedMlp()) {
                names.add(b + ".mlp.hook_pre_linear");
            }
            names.add(b + ".mlp.hook_post");
            names.add(b + ".hook_mlp_out");
            names.add(b + ".hook_resid_post");
        }
        names.add("ln_final.hook_normalized");
        this.ordered = List.copyOf(names);
        this.known = Set.copyOf(names);
    }

    public List<String> all() {
        return ordered;
    }

    public boolean contains(String name) {
        return known.contains(name);
    }

    /** Fails with the nearest real names when {@code name} is not a hook point of this model. */
    public void requireKnown(String name) {
        if (!known.contains(name)) {
            throw new UnknownHookException(name, nearest(name, 3));
        }
    }

    public void requireKnown(Collection<String> names) {
        names.forEach(this::requireKnown);
    }

    /** Names whose whole text matches {@code regex}; an error when none does. */
    public List<String> matching(Pattern regex) {
        List<String> hits = ordered.stream().filter(n -> regex.matcher(n).matches()).collect(Collectors.toList());
        if (hits.isEmpty()) {
            throw new IllegalArgumentException("no hook point matches '" + regex.pattern()
                    + "' (the whole name must match); names look like: "
                    + String.join(", ", nearest(regex.pattern(), 5)));
        }
        return hits;
    }

    List<String> nearest(String name, int count) {
        return ordered.stream()
                .sorted(Comparator.comparingInt((String n) -> editDistance(name, n)).thenComparing(n -> n))
                .limit(count)
                .collect(Collectors.toList());
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A hook name the model does not have. */
    public static final class UnknownHookException extends IllegalArgumentException {
        public UnknownHookException(String name, List<String> nearest) {
            super("unknown hook point '" + name + "'; nearest names: " + String.join(", ", nearest)
                    + " (run `harness model info --model DIR` to list them all)");
        }
    }
}
