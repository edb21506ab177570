package lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import lab.data.CorpusItem;
import lab.runtime.ModelTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The world, the task generators, the stream and the tokenizer: deterministic, valid, held-out kept out. */
class ToyWorldTest {

    static final TrainConfig MICRO = TrainConfig.read(Path.of("configs/train_micro.json"));
    static final TrainConfig TOY = TrainConfig.read(Path.of("configs/train_toy.json"));

    @TempDir
    Path dir;

    @Test
    void sameSeedSameWorldAndBatches() {
        ToyWorld a = ToyWorld.generate(TOY.world(), TOY.seed());
        ToyWorld b = ToyWorld.generate(TOY.world(), TOY.seed());
        assertEquals(WorldJson.write(a), WorldJson.write(b));
        assertNotEquals(WorldJson.write(a), WorldJson.write(ToyWorld.generate(TOY.world(), TOY.seed() + 1)));
        TrainingStream s1 = new TrainingStream(a, TOY);
        TrainingStream s2 = new TrainingStream(b, TOY);
        for (long step : new long[] {0, 1, 977}) {
            long[][] x = s1.batch(step, 8);
            assertTrue(Arrays.deepEquals(x, s2.batch(step, 8)));
            assertEquals(TOY.model().context() + 1, x[0].length);
        }
        assertTrue(!Arrays.deepEquals(s1.batch(0, 8), s1.batch(1, 8)));
        CorpusGenerator g1 = new CorpusGenerator(a, 5);
        CorpusGenerator g2 = new CorpusGenerator(b, 5);
        assertEquals(g1.ioi(2), g2.ioi(2));
        assertEquals(g1.facts(), g2.facts());
        assertEquals(g1.induction(10, 4, 20, 10, 63), g2.induction(10, 4, 20, 10, 63));
    }

    @Test
    void worldHasItsPromisedShape() {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        assertTrue(w.countries().size() >= 100);
        assertEquals(w.countries().size(), w.countries().stream().map(ToyWorld.Country::capital).distinct().count());
        Set<String> held = new HashSet<>(w.heldOutNames());
        assertEquals(TOY.world().heldOutNames(), held.size());
        assertTrue(w.trainNames().stream().noneMatch(held::contains));
        assertTrue(w.trainTemplates().stream().noneMatch(w.heldOutTemplates()::contains));
        // every word of every task is a single token of the vocabulary
        for (ToyWorld.Country c : w.countries()) {
            w.vocabulary().id(c.name());
            w.vocabulary().id(c.capital());
            w.vocabulary().id(c.language());
        }
    }

    @Test
    void ioiTrainingSentencesNeverUseHeldOutNamesOrTemplates() {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        IoiTask train = new IoiTask(w.trainNames(), w.trainTemplates(), w.places(), w.objects());
        SplittableRandom rng = new SplittableRandom(1);
        Set<Integer> heldIds = new HashSet<>();
        w.heldOutNames().forEach(n -> heldIds.add(w.vocabulary().id(n)));
        for (int i = 0; i < 2000; i++) {
            IoiTask.Prompt p = train.sample(rng);
            for (int id : w.vocabulary().encode(p.prompt() + " " + p.answer())) {
                assertTrue(!heldIds.contains(id), p.prompt());
            }
            assertTrue(templatePattern(w.trainTemplates().get(p.template())).matcher(words(p.prompt())).matches(),
                    p.prompt() + " is not training template " + p.template());
            assertTrue(heldOut(w).stream().noneMatch(t -> t.matcher(words(p.prompt())).matches()), p.prompt());
        }
        IoiFillerTask filler = new IoiFillerTask(w.ioiSlotWords(), w.ioiFillerWords());
        IoiTask anyWords = new IoiTask(w.ioiSlotWords(), w.trainTemplates(), w.places(), w.objects());
        for (int i = 0; i < 2000; i++) {
            for (IoiTask.Prompt p : List.of(filler.sample(rng), anyWords.sample(rng))) {
                for (int id : w.vocabulary().encode(p.prompt() + " " + p.answer())) {
                    assertTrue(!heldIds.contains(id), p.prompt());
                }
                assertTrue(heldOut(w).stream().noneMatch(t -> t.matcher(words(p.prompt())).matches()),
                        "a held-out template: " + p.prompt());
            }
        }
    }

    /**
     * On what the trainer really reads (TrainingStream's batches, decoded into documents): no
     * document is a held-out template, no IOI sentence holds a held-out name, and a held-out name
     * only ever appears as single-name copying (the one name of its document, and its answer) or
     * as a random word of an induction sequence.
     */
    @Test
    void trainingStreamKeepsHeldOutNamesAndTemplatesOutOfIoiSentences() {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        TrainingStream stream = new TrainingStream(w, TOY);
        List<java.util.regex.Pattern> train = w.trainTemplates().stream().map(t -> withAnswer(templatePattern(t))).toList();
        List<java.util.regex.Pattern> held = heldOut(w).stream().map(ToyWorldTest::withAnswer).toList();
        Set<String> heldNames = new HashSet<>(w.heldOutNames());
        Set<String> names = new HashSet<>(WordLists.NAMES);
        int ioiSentences = 0;
        int heldOutNameDocuments = 0;
        for (long step = 0; step < 150; step++) {
            for (long[] row : stream.batch(step, TOY.optimizer().batchSize())) {
                List<List<String>> documents = new ArrayList<>();
                List<String> current = new ArrayList<>();
                for (long id : row) {
                    if (id == Vocabulary.BOS_ID) {
                        documents.add(current);
                        current = new ArrayList<>();
                    } else {
                        current.add(w.vocabulary().word((int) id));
                    }
                }
                // the row's last document may be cut off; every earlier one is whole
                for (List<String> doc : documents) {
                    String text = String.join(" ", doc);
                    assertTrue(held.stream().noneMatch(t -> t.matcher(text).matches()), "a held-out template in training: " + text);
                    if (train.stream().anyMatch(t -> t.matcher(text).matches())) {
                        ioiSentences++;
                        assertTrue(doc.stream().noneMatch(heldNames::contains), "a held-out name in an IOI sentence: " + text);
                    }
                    List<String> heldHere = doc.stream().filter(heldNames::contains).distinct().toList();
                    if (!heldHere.isEmpty() && !isInduction(doc)) {
                        heldOutNameDocuments++;
                        String name = heldHere.get(0);
                        assertEquals(List.of(name), doc.stream().filter(names::contains).distinct().toList(), text);
                        assertEquals(name, doc.get(doc.size() - 1), "a held-out name that is not the copied answer: " + text);
                        assertEquals("to", doc.get(doc.size() - 2), text);
                    }
                }
            }
        }
        // the checks above saw what they check
        assertTrue(ioiSentences > 100, ioiSentences + " IOI sentences in training templates");
        assertTrue(heldOutNameDocuments > 20, heldOutNameDocuments + " documents with a held-out name");
    }

    /** Ends in a repeated span of at least 3 words, as every induction sequence does. */
    private static boolean isInduction(List<String> doc) {
        for (int period = 3; 2 * period <= doc.size(); period++) {
            int start = doc.size() - 2 * period;
            if (doc.subList(start, start + period).equals(doc.subList(start + period, doc.size()))) {
                return true;
            }
        }
        return false;
    }

    /** The words of a filled-in template joined by single spaces, as the vocabulary splits them. */
    private static String words(String text) {
        return String.join(" ", ToyWorld.words(text));
    }

    /** A template's words, each slot ({A}, {place}, ...) standing for any one word. */
    private static java.util.regex.Pattern templatePattern(String template) {
        String marked = template.replaceAll("\\{\\w+}", "SLOTMARK");
        List<String> parts = new ArrayList<>();
        for (String word : ToyWorld.words(marked)) {
            parts.add(word.equals("SLOTMARK") ? "\\S+" : java.util.regex.Pattern.quote(word));
        }
        return java.util.regex.Pattern.compile(String.join(" ", parts));
    }

    private static java.util.regex.Pattern withAnswer(java.util.regex.Pattern prompt) {
        return java.util.regex.Pattern.compile(prompt.pattern() + " \\S+");
    }

    private static List<java.util.regex.Pattern> heldOut(ToyWorld w) {
        return w.heldOutTemplates().stream().map(ToyWorldTest::templatePattern).toList();
    }

    @Test
    void nameCopyingHasExactlyOneNameWhichIsTheAnswerAndReachesHeldOutNames() {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        NameCopyTask task = new NameCopyTask(WordLists.NAMES, w.ioiFillerWords());
        SplittableRandom rng = new SplittableRandom(3);
        Set<String> names = new HashSet<>(WordLists.NAMES);
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            String[] s = task.sample(rng);
            List<String> words = ToyWorld.words(s[0]);
            assertEquals(1, words.stream().filter(names::contains).count(), s[0]);
            assertTrue(words.contains(s[1]), s[0]);
            assertEquals("to", words.get(words.size() - 1));
            assertEquals(1, words.stream().filter("to"::equals).count(), s[0]);
            w.vocabulary().encode(s[0] + " " + s[1]);
            answers.add(s[1]);
        }
        assertTrue(answers.containsAll(w.heldOutNames()), "every held-out name is an answer");
    }

    @Test
    void inductionSequencesVaryPeriodAndOffsetAndRepeatExactly() {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        InductionTask task = new InductionTask(w.vocabulary().plainWordIds(), 3, 24, 12);
        SplittableRandom rng = new SplittableRandom(2);
        Set<Integer> periods = new HashSet<>();
        Set<Integer> offsets = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            InductionTask.Sequence s = task.sample(rng, 63);
            periods.add(s.period());
            offsets.add(s.offset());
            int[] t = s.tokens();
            assertTrue(t.length <= 63);
            assertEquals(s.offset() + 2 * s.period(), t.length);
            assertArrayEquals(Arrays.copyOfRange(t, s.offset(), s.secondStart()), Arrays.copyOfRange(t, s.secondStart(), t.length));
            assertEquals(s.secondStart(), Arrays.stream(t, 0, s.secondStart()).distinct().count(), "no repeats before R");
        }
        assertTrue(periods.size() > 15 && offsets.size() > 10, periods + " " + offsets);
    }

    @Test
    void tokenizerJsonLoadsThroughModelTokenizerWithTheVocabularyIds() throws IOException {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        Path file = dir.resolve("tokenizer.json");
        TokenizerJson.write(w.vocabulary(), file);
        try (ModelTokenizer tok = ModelTokenizer.load(file, Vocabulary.BOS_ID, w.vocabulary().size())) {
            String text = "When Mary and John went to the park, John gave a ball to";
            long[] ids = tok.encode(text);
            assertArrayEquals(Arrays.stream(w.vocabulary().encode(text)).asLongStream().toArray(), ids);
            assertEquals(List.of("When", "Mary", "and", "John", "went", "to", "the", "park", ",", "John", "gave", "a",
                    "ball", "to"), List.of(tok.tokens(text)));
            assertEquals("When Mary and John went to the park , John gave a ball to", tok.decode(ids));
            assertEquals(0, tok.bosId());
            assertArrayEquals(new long[] {0, w.vocabulary().id("Mary")}, tok.encode("Mary", true));
            assertEquals(w.vocabulary().id("Mary"), tok.singleToken(" Mary", "target"));
            assertEquals(0, tok.singleToken("<|endoftext|>", "bos"));
            assertArrayEquals(new long[] {1}, tok.encode("Zyzzyva"));
            String capital = w.countries().get(0).capital();
            assertEquals(w.vocabulary().id(capital), tok.singleToken(" " + capital, "target"));
        }
    }

    @Test
    void corporaAreValidForTheTokenizer() throws IOException {
        ToyWorld w = ToyWorld.generate(TOY.world(), TOY.seed());
        Path file = dir.resolve("tokenizer.json");
        TokenizerJson.write(w.vocabulary(), file);
        CorpusGenerator gen = new CorpusGenerator(w, 1);
        List<CorpusItem> all = new ArrayList<>(gen.ioi(4));
        all.addAll(gen.facts());
        all.addAll(gen.induction(80, 4, 24, 12, 63));
        try (ModelTokenizer tok = ModelTokenizer.load(file, Vocabulary.BOS_ID, w.vocabulary().size())) {
            assertEquals(List.of(), CorpusGenerator.check(all, tok));
        }
        for (CorpusItem it : gen.ioi(4)) {
            // corrupt swaps the repeated name's second occurrence for the answer
            assertTrue(it.corrupt().contains(it.target().strip()) && !it.clean().equals(it.corrupt()));
            List<String> words = ToyWorld.words(it.clean());
            assertEquals(2, words.stream().filter(it.foil().strip()::equals).count(), it.clean());
            assertEquals(1, words.stream().filter(it.target().strip()::equals).count(), it.clean());
        }
        for (CorpusItem it : gen.induction(20, 4, 24, 12, 63)) {
            assertTrue(!it.corrupt().contains(it.target().strip()), "the clean answer is gone from corrupt");
            assertTrue(it.corrupt().contains(it.foil().strip()));
        }
    }
}
