package lab.viz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attention patterns of the same heads on several examples as one JSON document: {@code heads}
 * (names, e.g. L1H3), and per example its {@code id}, {@code tokens} and {@code patterns}
 * [head][query][key], weights rounded to 4 decimals. A run keeps it as {@code patterns.json}; its
 * report embeds it and builds a head's figure from it on demand (drawing every head of every
 * example up front would make a 12 x 12-head report tens of megabytes).
 */
public final class AttentionPatternsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AttentionPatternsJson() {
    }

    /** @param examples one per example, its title the example's id; every one with the same heads in the same order */
    public static String toJson(List<AttentionPatterns> examples) {
        List<String> heads = examples.isEmpty() ? List.of() : headNames(examples.get(0));
        List<Map<String, Object>> out = new ArrayList<>();
        for (AttentionPatterns p : examples) {
            if (!headNames(p).equals(heads)) {
                throw new IllegalArgumentException("example " + p.title() + " has heads " + headNames(p) + ", not " + heads);
            }
            List<double[][]> weights = new ArrayList<>();
            for (AttentionPatterns.Head h : p.heads()) {
                weights.add(rounded(h.weights()));
            }
            Map<String, Object> ex = new LinkedHashMap<>();
            ex.put("id", p.title());
            ex.put("tokens", p.tokens());
            ex.put("patterns", weights);
            out.add(ex);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("heads", heads);
        root.put("examples", out);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise attention patterns", e);
        }
    }

    /**
     * The document as the content of a {@code <script type="application/json">}: every {@code <}
     * (only ever inside a JSON string) as {@code \u003c}, so that no token such as
     * {@code </script>} can end the element.
     */
    static String forScriptElement(List<AttentionPatterns> examples) {
        return toJson(examples).replace("<", "\\u003c");
    }

    private static List<String> headNames(AttentionPatterns p) {
        return p.heads().stream().map(AttentionPatterns.Head::name).toList();
    }

    private static double[][] rounded(double[][] w) {
        double[][] r = new double[w.length][];
        for (int q = 0; q < w.length; q++) {
            r[q] = new double[w[q].length];
            for (int k = 0; k < w[q].length; k++) {
                r[q][k] = Math.round(w[q][k] * 1e4) / 1e4;
            }
        }
        return r;
    }
}
