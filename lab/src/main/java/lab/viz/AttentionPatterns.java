package lab.viz;

import java.util.List;

/**
 * Attention patterns of some heads on one prompt, for {@link AttentionPatternPage}.
 *
 * @param title what the page is about (model, prompt)
 * @param tokens the prompt's tokens as text, one per position
 * @param heads each head's pattern, query x key, rows summing to 1 over the keys it may see
 */
public record AttentionPatterns(String title, List<String> tokens, List<Head> heads) {

    /** One head: its name (e.g. L1H3) and its pattern [query][key]. */
    public record Head(String name, double[][] weights) {
    }

    public AttentionPatterns {
        tokens = List.copyOf(tokens);
        heads = List.copyOf(heads);
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("no heads to show");
        }
        for (Head h : heads) {
            if (h.weights().length != tokens.size()) {
                throw new IllegalArgumentException("head " + h.name() + " has " + h.weights().length + " query rows for "
                        + tokens.size() + " tokens");
            }
            for (double[] row : h.weights()) {
                if (row.length != tokens.size()) {
                    throw new IllegalArgumentException("head " + h.name() + " has a row of " + row.length + " keys for "
                            + tokens.size() + " tokens");
                }
            }
        }
    }
}
