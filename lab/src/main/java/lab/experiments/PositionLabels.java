package lab.experiments;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lab.runtime.HookedTransformer;

/**
 * Labels for a position axis: the tokens the examples had at each position (counted from the
 * start, or from the end as -1, -2, ...), collected as an experiment runs. Where every example had the same token the label is that token; where they
 * differ, up to {@value #SHOWN} of them joined by "/", then a count.
 */
final class PositionLabels {

    private static final int SHOWN = 2;

    private final Map<Integer, Set<String>> seen = new TreeMap<>();
    private final boolean fromEnd;

    PositionLabels(boolean fromEnd) {
        this.fromEnd = fromEnd;
    }

    /** Records the tokens of one example (decoded one by one; ids when the model has no tokenizer). */
    void record(HookedTransformer model, long[] ids) {
        for (int p = 0; p < ids.length; p++) {
            long id = ids[p];
            String token = model.optionalTokenizer().map(t -> t.decode(new long[] {id}).strip()).orElse("#" + id);
            seen.computeIfAbsent(fromEnd ? p - ids.length : p, k -> new LinkedHashSet<>()).add(token.isEmpty() ? "#" + id : token);
        }
    }

    /** Position (as text) to "position token" labels. */
    Map<String, String> labels() {
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
