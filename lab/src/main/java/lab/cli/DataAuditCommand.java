package lab.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lab.data.Corpus;
import lab.data.SplitAudit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness data audit}: what a split leaks between train, val and test. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Report overlap between the train/val/test subsets of corpora: groups, item ids and clean prompts"
                + " found in two subsets, items in none, and whether the corpus still matches its split's SHA-256.",
                "Exit code 0 when every corpus is clean (overlap 0), 1 otherwise."})
final class DataAuditCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CORPUS.jsonl", arity = "1..*", description = "Corpus files.")
    List<Path> corpora;

    @Option(names = "--split", paramLabel = "FILE", description = "Split file (one corpus only; default: ../splits/NAME.split.json).")
    Path split;

    @Option(names = "--json", description = "Print the audit as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (split != null && corpora.size() != 1) {
            throw new IllegalArgumentException("--split names one split file; give one corpus with it");
        }
        boolean allClean = true;
        Map<String, Object> all = new LinkedHashMap<>();
        for (Path corpus : corpora) {
            SplitAudit a = SplitAudit.of(corpus, split != null ? split : Corpus.defaultSplitPath(corpus));
            allClean &= a.clean();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("hash_matches", a.hashMatches());
                m.put("items", a.items());
                m.put("overlap", a.overlap());
                m.put("group_overlap", a.groupOverlap());
                m.put("id_overlap", a.idOverlap());
                m.put("prompt_overlap", a.promptOverlap());
                m.put("unassigned", a.unassigned());
                all.put(corpus.toString(), m);
            } else {
                System.out.printf("%s: %s; overlap %d (groups %d, ids %d, prompts %d); unassigned %d; hash %s%n", corpus,
                        a.items(), a.overlap(), a.groupOverlap().size(), a.idOverlap().size(), a.promptOverlap().size(),
                        a.unassigned().size(), a.hashMatches() ? "matches" : "DIFFERS (re-split: harness data split " + corpus + ")");
            }
        }
        if (json) {
            System.out.println(Json.pretty(all));
        }
        return allClean ? 0 : 1;
    }
}
