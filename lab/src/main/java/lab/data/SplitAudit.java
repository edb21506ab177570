package lab.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a split leaks between its subsets: groups, item ids and clean prompts found in more than
 * one subset, and items whose group no subset holds. A sound split reports zero everywhere.
 *
 * @param corpus the corpus file
 * @param hashMatches the corpus is the one the split was made for
 * @param items items per subset
 * @param groupOverlap groups in two or more subsets
 * @param idOverlap item ids in two or more subsets
 * @param promptOverlap clean prompts that occur in two or more subsets
 * @param unassigned items whose group is in no subset
 */
public record SplitAudit(Path corpus, boolean hashMatches, Map<String, Integer> items, List<String> groupOverlap,
                         List<String> idOverlap, List<String> promptOverlap, List<String> unassigned) {

    public static SplitAudit of(Path corpus, Path split) {
        List<CorpusItem> all = Corpus.read(corpus);
        SplitFile s = SplitFile.read(split);
        Map<String, Set<String>> subsetsOfGroup = new HashMap<>();
        s.subsets().forEach((subset, groups) -> groups.forEach(
                g -> subsetsOfGroup.computeIfAbsent(g, k -> new HashSet<>()).add(subset)));
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        s.subsets().keySet().forEach(k -> counts.put(k, 0));
        Map<String, Set<String>> subsetsOfId = new HashMap<>();
        Map<String, Set<String>> subsetsOfPrompt = new HashMap<>();
        List<String> unassigned = new ArrayList<>();
        for (CorpusItem it : all) {
            Set<String> in = subsetsOfGroup.getOrDefault(it.group(), Set.of());
            if (in.isEmpty()) {
                unassigned.add(it.id());
            }
            for (String subset : in) {
                counts.merge(subset, 1, Integer::sum);
                subsetsOfId.computeIfAbsent(it.id(), k -> new HashSet<>()).add(subset);
                subsetsOfPrompt.computeIfAbsent(it.clean(), k -> new HashSet<>()).add(subset);
            }
        }
        return new SplitAudit(corpus, Corpus.sha256(corpus).equals(s.corpusSha256()), counts,
                inSeveral(subsetsOfGroup), inSeveral(subsetsOfId), inSeveral(subsetsOfPrompt), unassigned);
    }

    private static List<String> inSeveral(Map<String, Set<String>> where) {
        return where.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    /** Total overlap: groups, ids and prompts in more than one subset. Zero for a sound split. */
    public int overlap() {
        return groupOverlap.size() + idOverlap.size() + promptOverlap.size();
    }

    public boolean clean() {
        return hashMatches && overlap() == 0 && unassigned.isEmpty();
    }
}
