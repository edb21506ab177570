package lab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelTokenizer;
import org.junit.jupiter.api.Test;

/** Positions are named by their tokens only where one index means one token for every example. */
class PositionLabelsTest {

    @Test
    void sharedLengthAndGroupGiveTokensWithAStarWhereTheyDiffer() {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            ModelTokenizer tok = model.tokenizer();
            PreparedExample a = example(tok, "g", "When Mary and John went to the store, John gave a drink to");
            PreparedExample b = example(tok, "g", "When John and Mary went to the store, Mary gave a drink to");
            Map<Object, String> labels = PositionLabels.of(tok, List.of(a, b));
            long[] x = a.clean();
            long[] y = b.clean();
            assertEquals(x.length, labels.size());
            int varying = 0;
            for (int p = 0; p < x.length; p++) {
                String raw = tok.decode(new long[] {x[p]});
                // a whitespace-only token is quoted so that the axis shows it
                String token = raw.isBlank() ? "'" + raw + "'" : raw.strip();
                assertEquals(x[p] == y[p] ? token : PositionLabels.VARIES, labels.get(p), "position " + p);
                varying += x[p] == y[p] ? 0 : 1;
            }
            assertTrue(varying > 0 && varying < x.length, "the names differ, the rest is shared");
            assertEquals("to", labels.get(x.length - 1));
            assertTrue(labels.containsValue("' '"), labels.toString());
            assertEquals(Map.of(), PositionLabels.of(tok, List.of(a, example(tok, "other", "When John and Mary went to the store,"
                    + " Mary gave a drink to"))), "another group is another template: indices");
            assertEquals(Map.of(), PositionLabels.of(tok, List.of(a, example(tok, "g", "When John and Mary went home"))),
                    "different lengths: indices");
            assertEquals(Map.of(), PositionLabels.of(tok, List.of()));
        }
    }

    private static PreparedExample example(ModelTokenizer tok, String group, String text) {
        long[] ids = tok.encode(text);
        return new PreparedExample(text, group, ids, ids, 1, 2);
    }
}
