package lab.harness.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.data.SplitFile;
import lab.experiments.ExamplePreparer;
import lab.experiments.FinishedRun;
import lab.experiments.PreparedExample;
import lab.experiments.Prompt;
import lab.experiments.RunInputs;
import lab.harness.config.RunConfig;
import lab.harness.rundir.FinishedRunReader;
import lab.harness.rundir.FinishedRuns;
import lab.runtime.HookedTransformer;

/**
 * The {@link RunInputs} of one run, from its config: reference sets are subsets of the config's
 * corpus split or corpus files, prepared like the run's own examples; finished runs are read from
 * their directories. Relative paths resolve against the config's base directory.
 */
final class ConfigRunInputs implements RunInputs {

    private final RunConfig config;
    private final HookedTransformer model;
    private final List<PreparedExample> examples;
    private final List<Path> filesRead = new ArrayList<>();

    ConfigRunInputs(RunConfig config, HookedTransformer model, List<PreparedExample> examples) {
        this.config = config;
        this.model = model;
        this.examples = List.copyOf(examples);
    }

    /** Tokenizes and checks corpus items as the run's examples are ({@code corpus} names them in errors). */
    static List<PreparedExample> prepare(List<CorpusItem> items, Path corpus, RunConfig config, HookedTransformer model) {
        ExamplePreparer preparer = new ExamplePreparer(model.tokenizer(), config.model().prependBos(), model.config().contextLength(),
                config.answerSpan());
        List<PreparedExample> prepared = new ArrayList<>();
        for (CorpusItem item : items) {
            prepared.add(preparer.prepare(new Prompt(item.id(), item.group(), item.clean(), item.corrupt(), item.target(),
                    item.foil(), item.subject()), corpus.toString()));
        }
        return prepared;
    }

    @Override
    public List<PreparedExample> examples() {
        return examples;
    }

    @Override
    public List<PreparedExample> reference(String spec) {
        Path corpus = config.data().corpus();
        Optional<Path> split = config.data().split();
        List<String> subsets = split.map(s -> List.copyOf(SplitFile.read(s).subsets().keySet())).orElse(List.of());
        if (subsets.contains(spec)) {
            return prepare(Corpus.load(corpus, split.get(), spec), corpus, config, model);
        }
        Path file = config.baseDir().resolve(spec).normalize();
        if (Files.isRegularFile(file)) {
            filesRead.add(file);
            return prepare(Corpus.read(file), file, config, model);
        }
        String asSubset = split.isPresent() ? "not a subset of " + split.get() + " (" + String.join(", ", subsets) + ")"
                : SplitFile.SUBSETS.contains(spec) ? "a subset name, but the config has no data.split to take it from"
                : "not a subset (the config has no data.split)";
        throw new IllegalArgumentException("'" + spec + "' is " + asSubset + " and not a corpus file (" + file
                + "); give a subset of the run's split, e.g. \"train\", or the path of a corpus");
    }

    /** Every item's clean prompt, BOS prepended when model.prepend_bos says so, as the run's examples are tokenized. */
    @Override
    public List<long[]> corpusPrompts() {
        return Corpus.read(config.data().corpus()).stream()
                .map(item -> model.tokenizer().encode(item.clean(), config.model().prependBos())).toList();
    }

    @Override
    public FinishedRun finishedRun(String directory) {
        Path dir = config.baseDir().resolve(directory).normalize();
        FinishedRun run = FinishedRunReader.read(dir);
        filesRead.add(dir.resolve(FinishedRuns.CONFIG_FILE));
        filesRead.add(dir.resolve(FinishedRunReader.SUMMARY_FILE));
        return run;
    }

    /** The corpus files and finished runs handed out so far: inputs of this run for its provenance. */
    List<Path> filesRead() {
        return List.copyOf(filesRead);
    }
}
