package lab.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The hook points a model has, in forward order, named exactly as TransformerLens names them, and
 * what the forward's shortcuts do to each: which positions a point holds in a block computed at
 * fewer query positions ({@link #queryAxis}), and which points a run resumed at a block's hook_z
 * does not compute ({@link #beforeZ}). Callers ask here rather than keep their own lists.
 */
public final class HookNames {

    /** A block's points that hold every position even when the block computes fewer queries: the keys and values and what they are made from. */
    private static final Set<String> EVERY_POSITION = Set.of(
            "hook_resid_pre", "ln1.hook_normalized", "attn.hook_k", "attn.hook_v", "attn.hook_rot_k");
    /** With rotary the queries are turned by their position at every position, then picked after hook_rot_q. */
    private static final Set<String> EVERY_POSITION_WITH_ROTARY = Set.of("attn.hook_q", "attn.hook_rot_q");
    /** [batch, head, query, key]: the queries are axis 2. */
    private static final Set<String> QUERIES_ON_AXIS_2 = Set.of("attn.hook_attn_scores", "attn.hook_pattern");
    /** A block's points computed from its residual on the way to hook_z. */
    private static final Set<String> BEFORE_Z = Set.of("ln1.hook_normalized", "attn.hook_q", "attn.hook_k",
            "attn.hook_v", "attn.hook_rot_q", "attn.hook_rot_k", "attn.hook_attn_scores", "attn.hook_pattern");

    private final List<String> ordered;
    private final Set<String> known;
    private final List<List<String>> blocks;
    private final boolean rotary;

    public HookNames(ModelConfig config) {
        List<String> names = new ArrayList<>();
        List<List<String>> perBlock = new ArrayList<>();
        names.add("hook_embed");
        if (config.positional() == ModelConfig.Positional.LEARNED) {
            names.add("hook_pos_embed");
        }
        this.rotary = config.positional() == ModelConfig.Positional.ROTARY;
        for (int layer = 0; layer < config.nLayers(); layer++) {
            int first = names.size();
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
            perBlock.add(List.copyOf(names.subList(first, names.size())));
        }
        names.add("ln_final.hook_normalized");
        this.ordered = List.copyOf(names);
        this.known = Set.copyOf(names);
        this.blocks = List.copyOf(perBlock);
    }

    public List<String> all() {
        return ordered;
    }

    /** Block {@code layer}'s points, in forward order. */
    public List<String> block(int layer) {
        return blocks.get(layer);
    }

    /**
     * The axis along which {@code name} holds the chosen positions alone when its block computes
     * its outputs at fewer query positions ({@link QueryPositions}; for ln_final, whenever the run
     * unembeds chosen positions); -1 when it holds every position. Axis 1 for [batch, pos, ...]
     * points after the keys and values (and hook_q without rotary), axis 2 for the scores and
     * pattern [batch, head, query, key]. With rotary, hook_q and hook_rot_q hold every position:
     * the queries are turned by their position, then picked.
     */
    public int queryAxis(String name) {
        requireKnown(name);
        if (name.equals("ln_final.hook_normalized")) {
            return 1;
        }
        String point = blockPoint(name);
        if (point == null || EVERY_POSITION.contains(point) || (rotary && EVERY_POSITION_WITH_ROTARY.contains(point))) {
            return -1;
        }
        return QUERIES_ON_AXIS_2.contains(point) ? 2 : 1;
    }

    /** Whether {@code name} is a block's point computed on the way to its hook_z (ln1, q, k, v, scores, pattern). */
    public boolean beforeZ(String name) {
        requireKnown(name);
        String point = blockPoint(name);
        return point != null && BEFORE_Z.contains(point);
    }

    /** The name after {@code blocks.L.}; null outside the blocks. */
    private static String blockPoint(String name) {
        if (!name.startsWith("blocks.")) {
            return null;
        }
        return name.substring(name.indexOf('.', "blocks.".length()) + 1);
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
