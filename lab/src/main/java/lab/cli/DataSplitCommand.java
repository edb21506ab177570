package lab.cli;

import java.nio.file.Path;
import java.util.List;
import lab.data.Corpus;
import lab.data.SplitFile;
import lab.data.Splitter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness data split}: train/val/test 60/20/20 by group, with the corpus SHA-256. */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = "Split corpora 60/20/20 into train/val/test by group (no group in two subsets); writes"
                + " data/splits/NAME.split.json beside data/corpora/NAME.jsonl, with the corpus SHA-256.")
final class DataSplitCommand implements Runnable {

    @Parameters(paramLabel = "CORPUS.jsonl", arity = "1..*", description = "Corpus files.")
    List<Path> corpora;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for shuffling the groups (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Split file (one corpus only; default: ../splits/NAME.split.json).")
    Path out;

    @Override
    public void run() {
        if (out != null && corpora.size() != 1) {
            throw new IllegalArgumentException("--out names one split file; give one corpus with it");
        }
        for (Path corpus : corpora) {
            SplitFile split = Splitter.split(corpus, seed);
            Path file = out != null ? out : Corpus.defaultSplitPath(corpus);
            split.write(file, Corpus.read(corpus));
            StringBuilder line = new StringBuilder("wrote " + file + ":");
            split.subsets().forEach((k, v) -> line.append(' ').append(k).append(' ').append(v.size()).append(" groups"));
            System.out.println(line);
        }
    }
}
