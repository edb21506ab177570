package lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.runtime.ModelTokenizer;
import lab.training.CorpusGenerator;
import lab.training.TokenizerJson;
import lab.training.ToyWorld;
import lab.training.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness data corpora}: the facts, IOI and induction sample corpora of a toy world. */
@Command(name = "corpora", mixinStandardHelpOptions = true,
        description = {"Write facts_v1.jsonl, ioi_v1.jsonl and induction_v1.jsonl from the toy world of a training config,"
                + " each item checked with the world's tokenizer (clean and corrupt of one length, target and foil single"
                + " tokens)."})
final class DataCorporaCommand implements Runnable {

    @Option(names = "--config", defaultValue = "lab/configs/train_toy.json", paramLabel = "CONFIG.json",
            description = "Training config whose world to draw from (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--out", defaultValue = "data/corpora", paramLabel = "DIR", description = "Folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for drawing the items (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        TrainConfig config = TrainConfig.read(configFile);
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        CorpusGenerator gen = new CorpusGenerator(world, seed);
        TrainConfig.Curriculum c = config.curriculum();
        Map<String, List<CorpusItem>> corpora = new LinkedHashMap<>();
        corpora.put("facts_v1.jsonl", gen.facts());
        corpora.put("ioi_v1.jsonl", gen.ioi(4));
        corpora.put("induction_v1.jsonl", gen.induction(80, Math.max(4, c.minPeriod()), c.maxPeriod(), c.maxOffset(),
                config.model().context() - 1));
        try {
            Path tmp = Files.createTempDirectory("toy-tokenizer");
            Path tokenizerFile = tmp.resolve("tokenizer.json");
            TokenizerJson.write(world.vocabulary(), tokenizerFile);
            List<String> problems = new ArrayList<>();
            try (ModelTokenizer tok = ModelTokenizer.load(tokenizerFile, 0, world.vocabulary().size())) {
                corpora.values().forEach(items -> problems.addAll(CorpusGenerator.check(items, tok)));
            } finally {
                Files.deleteIfExists(tokenizerFile);
                Files.deleteIfExists(tmp);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("generated items fail the tokenizer check: " + problems);
            }
            for (Map.Entry<String, List<CorpusItem>> e : corpora.entrySet()) {
                Corpus.write(out.resolve(e.getKey()), e.getValue());
                System.out.println("wrote " + out.resolve(e.getKey()) + ": " + e.getValue().size() + " items, "
                        + e.getValue().stream().map(CorpusItem::group).distinct().count() + " groups");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
