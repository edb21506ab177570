package lab.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Splits a corpus 60/20/20 into train/val/test by group: groups are shuffled with a seed and
 * dealt out whole, so no group is in two subsets. The fractions count groups, not items.
 */
public final class Splitter {

    private Splitter() {
    }

    public static SplitFile split(Path corpus, long seed) {
        List<CorpusItem> items = Corpus.read(corpus);
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(items.stream().map(CorpusItem::group).toList()));
        if (distinct.size() < 3) {
            throw new IllegalArgumentException(corpus + " has " + distinct.size() + " group(s); a train/val/test split by"
                    + " group needs at least 3");
        }
        List<String> groups = SeededShuffle.shuffled(distinct, seed);
        int n = groups.size();
        int val = Math.max(1, (int) Math.round(0.2 * n));
        int test = Math.max(1, (int) Math.round(0.2 * n));
        int train = n - val - test;
        Map<String, List<String>> subsets = new LinkedHashMap<>();
        subsets.put("train", groups.subList(0, train));
        subsets.put("val", groups.subList(train, train + val));
        subsets.put("test", groups.subList(train + val, n));
        return new SplitFile(corpus.getFileName().toString(), Corpus.sha256(corpus), seed, subsets);
    }
}
