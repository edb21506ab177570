package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.experiments.inspection.HeadPatterns;
import lab.experiments.PreparedExample;
import lab.io.AtomicFiles;
import lab.runtime.HookedTransformer;
import lab.viz.AttentionPatterns;
import lab.viz.AttentionPatternsJson;

/**
 * The attention patterns a run's report shows: every head's {@code hook_pattern} in the clean run
 * of the run's first few examples, computed once and kept as {@code patterns.json} (the report
 * embeds the same document; the page never recomputes anything).
 */
public final class CleanPatterns {

    public static final String FILE = "patterns.json";

    private CleanPatterns() {
    }

    /**
     * Writes {@code patterns.json} into {@code dir} for the first {@code count} examples (0: none,
     * and no file).
     *
     * @return the patterns, one per example, for the report
     */
    static List<AttentionPatterns> write(Path dir, HookedTransformer model, List<PreparedExample> examples, int count)
            throws IOException {
        List<AttentionPatterns> out = new ArrayList<>();
        List<int[]> heads = HeadPatterns.every(model.config());
        for (PreparedExample ex : examples.subList(0, Math.min(count, examples.size()))) {
            out.add(of(model, ex.id(), ex.clean(), heads));
        }
        if (!out.isEmpty()) {
            AtomicFiles.writeString(dir.resolve(FILE), AttentionPatternsJson.toJson(out) + "\n");
        }
        return out;
    }

    /** The patterns of {@code heads} ([layer, head]) on one prompt, tokens as text, heads named L{layer}H{head}. */
    public static AttentionPatterns of(HookedTransformer model, String title, long[] ids, List<int[]> heads) {
        List<double[][]> weights = HeadPatterns.read(model, ids, heads);
        List<String> tokens = new ArrayList<>();
        for (long id : ids) {
            tokens.add(model.tokenizer().decode(new long[] {id}));
        }
        List<AttentionPatterns.Head> named = new ArrayList<>();
        for (int i = 0; i < heads.size(); i++) {
            named.add(new AttentionPatterns.Head("L" + heads.get(i)[0] + "H" + heads.get(i)[1], weights.get(i)));
        }
        return new AttentionPatterns(title, tokens, named);
    }
}
