package lab.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import lab.runtime.ModelTokenizer;

/**
 * Names token positions for map axes. When every example has the same length and the same group
 * (the corpora's groups are templates) a position is named by its clean-prompt token, or
 * {@value #VARIES} where the examples put different tokens there (the filled-in names, places...);
 * otherwise a position is shown as its index, because one index then means different tokens.
 */
public final class PositionLabels {

    /** The label of a position whose token differs between examples. */
    public static final String VARIES = "*";

    private PositionLabels() {
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
}
