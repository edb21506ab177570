package lab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample corpora in data/corpora load through their split files, and their splits leak nothing. */
class ShippedCorporaTest {

    @Test
    void everyCorpusLoadsBySubsetAndItsSplitIsClean() {
        for (String name : List.of("facts_v1", "ioi_v1", "induction_v1")) {
            Path corpus = Path.of("../data/corpora/" + name + ".jsonl");
            Path split = Path.of("../data/splits/" + name + ".split.json");
            List<CorpusItem> all = Corpus.read(corpus);
            assertTrue(all.size() >= 60, name);
            int total = 0;
            for (String subset : SplitFile.SUBSETS) {
                List<CorpusItem> items = Corpus.load(corpus, split, subset);
                assertTrue(!items.isEmpty(), name + " " + subset);
                total += items.size();
            }
            assertEquals(all.size(), total, name);
            SplitAudit audit = SplitAudit.of(corpus, split);
            assertTrue(audit.clean(), name + ": " + audit);
            assertEquals(0, audit.overlap());
        }
    }
}
