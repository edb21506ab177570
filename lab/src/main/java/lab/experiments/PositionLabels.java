package lab.experiments;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelTokenizer;

/**
 * Labels for a position axis, two ways. {@link #of}: when every example has the same length and
 * the same group (the corpora's groups are templates) a position is named by its clean-prompt
 * token, or {@value #VARIES} where the examples put different tokens there; otherwise by its index,
 * because one index then means different tokens (activation patching). {@link #record}: the tokens
 * the examples had at each position (counted from the start, or from the end as -1, -2, ...),
 * collected as an experiment runs; where they differ, up to {@value #SHOWN} of them joined by "/",
 * then a count (logit lens, causal tracing).
 */
public final class PositionLabels {

    /** The label of a position whose token differs between examples ({@link #of}). */
    public static final String VARIES = "*";

    private static final int SHOWN = 2;

    private final Map<Integer, Set<String>> seen = new TreeMap<>();
    private final boolean fromEnd;

    public PositionLabels(boolean fromEnd) {
        this.fromEnd = fromEnd;
    }

    /** Position index to label; empty when the examples do not share a length and group. */
    public static Map<Object, String> of(ModelTokenizer tokenizer, List<PreparedExample> examples) {
        if (examples.isEmpty()) {
            return Map.of();
        }
        List<long[]> prompts = examples.stream().map(PreparedExample::clean).toList();
        long[] first = prompts.get(0);
        String group = examples.get(0).group();
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length != first.length || !Objects.equals(examples.get(i).group(), group)) {
                return Map.of();
            }
        }
        Map<Object, String> labels = new LinkedHashMap<>();
        for (int p = 0; p < first.length; p++) {
            boolean shared = true;
            for (long[] prompt : prompts) {
                shared &= prompt[p] == first[p];
            }
            String token = tokenizer.decode(new long[] {first[p]}).strip();
            labels.put(p, shared ? (token.isEmpty() ? "'" + tokenizer.decode(new long[] {first[p]}) + "'" : token) : VARIES);
        }
        return labels;
    }

    /** Records the tokens of one example (decoded one by one; ids when the model has no tokenizer). */
    public void record(HookedTransformer model, long[] ids) {
        for (int p = 0; p < ids.length; p++) {
            long id = ids[p];
            String token = model.optionalTokenizer().map(t -> t.decode(new long[] {id}).strip()).orElse("#" + id);
            seen.computeIfAbsent(fromEnd ? p - ids.length : p, k -> new LinkedHashSet<>()).add(token.isEmpty() ? "#" + id : token);
        }
    }

    /** Position (as text) to "position token" labels. */
    public Map<String, String> labels() {
        Map<String, String> out = new TreeMap<>();
        seen.forEach((position, tokens) -> {
            String shown = String.join("/", tokens.stream().limit(SHOWN).toList());
            if (tokens.size() > SHOWN) {
                shown += "/... (" + tokens.size() + ")";
            }
            out.put(String.valueOf(position), position + " " + shown);
        });
        return out;
    }
}
