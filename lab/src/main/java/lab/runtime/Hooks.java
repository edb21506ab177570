package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hooks of one forward call, by hook point name, in the order they were added. Immutable:
 * a {@code Hooks} value is handed to one run and cannot outlive it or leak into the next, which
 * is how hooks are scoped here (no global registration to forget to remove).
 */
public final class Hooks {

    private static final Hooks NONE = new Hooks(Map.of());

    private final Map<String, List<Hook>> byName;

    private Hooks(Map<String, List<Hook>> byName) {
        this.byName = byName;
    }

    public static Hooks none() {
        return NONE;
    }

    public static Hooks of(Hook... hooks) {
        return of(List.of(hooks));
    }

    public static Hooks of(List<Hook> hooks) {
        Map<String, List<Hook>> map = new LinkedHashMap<>();
        for (Hook hook : hooks) {
            map.computeIfAbsent(hook.name(), k -> new ArrayList<>()).add(hook);
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return new Hooks(Collections.unmodifiableMap(map));
    }

    /** These hooks followed by {@code more}. */
    public Hooks plus(Hook... more) {
        List<Hook> all = new ArrayList<>();
        byName.values().forEach(all::addAll);
        all.addAll(List.of(more));
        return of(all);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * Runs the hooks registered at {@code name} over {@code activation}, in order. Runs of
     * consecutive per-row hooks share one split of the batch into rows and one concatenation.
     */
    NDArray apply(String name, NDArray activation) {
        List<Hook> hooks = byName.get(name);
        if (hooks == null) {
            return activation;
        }
        NDArray x = activation;
        int i = 0;
        while (i < hooks.size()) {
            if (!hooks.get(i).perRow()) {
                x = hooks.get(i).fn().apply(x);
                i++;
                continue;
            }
            int end = i;
            while (end < hooks.size() && hooks.get(end).perRow()) {
                end++;
            }
            x = applyPerRow(name, x, hooks.subList(i, end));
            i = end;
        }
        return x;
    }

    private static NDArray applyPerRow(String name, NDArray x, List<Hook> hooks) {
        long batch = x.getShape().get(0);
        for (Hook hook : hooks) {
            int[] rows = hook.rows();
            if (rows.length > 0 && rows[rows.length - 1] >= batch) {
                throw new IllegalArgumentException("hook at " + name + " names batch row "
                        + rows[rows.length - 1] + " but the batch has " + batch + " rows");
            }
        }
        NDList parts = new NDList();
        for (int row = 0; row < batch; row++) {
            NDArray part = x.get(new NDIndex("{}:{}", row, row + 1));
            for (Hook hook : hooks) {
                if (hook.coversRow(row)) {
                    part = hook.fn().apply(part);
                }
            }
            parts.add(part);
        }
        return NDArrays.concat(parts, 0);
    }
}
