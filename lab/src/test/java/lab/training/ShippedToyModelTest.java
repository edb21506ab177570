package lab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import lab.data.Corpus;
import lab.data.CorpusItem;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An independent check of the shipped model's card: the claims re-measured on modest fresh
 * samples with code of its own (only the model folder, its world.json and the corpora are read),
 * and the sample corpora answered top-1.
 */
class ShippedToyModelTest {

    static final Path MODEL = Path.of("../data/models/toy");
    static final Path CORPORA = Path.of("../data/corpora");

    static HookedTransformer model;
    static JsonNode world;
    static NDManager manager;

    @BeforeAll
    static void load() throws Exception {
        assertTrue(Files.isRegularFile(MODEL.resolve("model.safetensors")), "the toy model ships in data/models/toy");
        model = ModelLoader.load(MODEL, LoadOptions.cpu());
        world = TrainConfig.JSON.readTree(MODEL.resolve("world.json").toFile());
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    @Test
    void folderIsSmallAndCarriesItsCard() throws Exception {
        long bytes = 0;
        try (var files = Files.list(MODEL)) {
            for (Path f : files.toList()) {
                bytes += Files.size(f);
            }
        }
        assertTrue(bytes < 20L * 1024 * 1024, bytes + " bytes");
        JsonNode card = TrainConfig.JSON.readTree(MODEL.resolve("model_card.json").toFile());
        assertTrue(card.at("/claims/induction/best_score").asDouble() >= 0.5);
        assertTrue(card.at("/claims/induction/second_repeat_loss").asDouble() <= 1.0);
        assertTrue(card.at("/claims/facts_recall/top1").asDouble() >= 0.95);
        assertTrue(card.at("/claims/ioi_held_out_names_and_templates/top1").asDouble() >= 0.95);
        assertTrue(card.at("/claims/all_hold").asBoolean());
        assertTrue(Files.readString(MODEL.resolve("README.md")).contains("## Claims, as measured"));
    }

    /** Next-token argmax after {@code <|endoftext|>} + prompt. */
    private static long top1(String prompt) {
        long[] ids = model.tokenizer().encode(prompt, true);
        try (ForwardResult r = model.run(manager, model.tokens(manager, ids), RunOptions.defaults().unembedOnly(-1))) {
            return r.output().argMax(-1).toLongArray()[0];
        }
    }

    @Test
    void inductionHeadOnFreshRepeatedSequencesOfVariedPeriodAndOffset() {
        List<Long> pool = new ArrayList<>();
        for (JsonNode w : world.get("vocabulary")) {
            if (w.asText().chars().allMatch(Character::isLetter)) {
                pool.add(model.tokenizer().singleToken(w.asText(), "word"));
            }
        }
        Random rng = new Random(4242);
        int layers = model.config().nLayers();
        int heads = model.config().nHeads();
        double[][] score = new double[layers][heads];
        int queries = 0;
        double loss = 0;
        int predicted = 0;
        for (int s = 0; s < 40; s++) {
            int period = 5 + rng.nextInt(16);
            int offset = rng.nextInt(11);
            java.util.Collections.shuffle(pool, rng);
            List<Long> seq = new ArrayList<>(List.of(0L));
            seq.addAll(pool.subList(0, offset + period));
            seq.addAll(pool.subList(offset, offset + period));
            long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
            int n = ids.length;
            int second = 1 + offset + period;
            try (ForwardResult r = model.run(manager, model.tokens(manager, ids),
                    RunOptions.defaults().caching(Pattern.compile(".*hook_pattern")))) {
                for (int l = 0; l < layers; l++) {
                    float[] p = r.cache().get("blocks." + l + ".attn.hook_pattern").toFloatArray();
                    for (int h = 0; h < heads; h++) {
                        for (int t = second; t < n; t++) {
                            score[l][h] += p[(h * n + t) * n + t - period + 1];
                        }
                    }
                }
                queries += n - second;
                float[] lp = r.output().logSoftmax(-1).toFloatArray();
                int v = model.config().vocabSize();
                for (int t = second; t < n - 1; t++) {
                    loss -= lp[t * v + (int) ids[t + 1]];
                    predicted++;
                }
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                score[l][h] /= queries;
            }
        }
        String scores = java.util.Arrays.deepToString(score);
        // the card (200 sequences of its own): L1H2 0.963, L1H3 0.913, L1H0 0.890, L1H1 0.071, layer 0 <= 0.01;
        // measured here (40 fresh sequences): 0.959, 0.905, 0.899, 0.082, <= 0.012
        assertEquals(0.963, score[1][2], 0.03, "L1H2, the card's best induction head: " + scores);
        for (int h = 0; h < heads; h++) {
            assertTrue(score[1][2] >= score[1][h], "L1H2 is not the best head: " + scores);
            assertTrue(score[0][h] < 0.05, "layer 0 attends to the induction target: " + scores);
        }
        assertTrue(score[1][0] > 0.8 && score[1][3] > 0.8, "L1H0 and L1H3 (card 0.890, 0.913): " + scores);
        assertTrue(score[1][1] < 0.2, "L1H1 is the IOI head, not an induction head (card 0.071): " + scores);
        // card 0.085 nats, measured here 0.073
        assertTrue(loss / predicted <= 0.15, "second-repeat loss " + loss / predicted);
    }

    /**
     * Held-out names in held-out templates: the issue's >= 95%, measured independently of the card
     * (its own prompts, drawn here), and the card's figure near what this finds.
     */
    @Test
    void ioiOnHeldOutNamesAndTemplatesReaches95Percent() throws Exception {
        double onCard = TrainConfig.JSON.readTree(MODEL.resolve("model_card.json").toFile())
                .at("/claims/ioi_held_out_names_and_templates/top1").asDouble();
        List<String> names = strings(world.get("ioi_held_out_names"));
        List<String> templates = strings(world.get("ioi_held_out_templates"));
        List<String> places = strings(world.get("places"));
        List<String> objects = strings(world.get("objects"));
        Random rng = new Random(99);
        int correct = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            String a = names.get(rng.nextInt(names.size()));
            String b;
            do {
                b = names.get(rng.nextInt(names.size()));
            } while (b.equals(a));
            String prompt = templates.get(rng.nextInt(templates.size())).replace("{A}", a).replace("{B}", b)
                    .replace("{S}", b).replace("{place}", places.get(rng.nextInt(places.size())))
                    .replace("{object}", objects.get(rng.nextInt(objects.size())));
            correct += top1(prompt) == model.tokenizer().singleToken(a, "answer") ? 1 : 0;
        }
        double measured = (double) correct / n;
        // card 0.9875 on 400 prompts, measured here 0.99 on 200
        assertTrue(Math.abs(measured - onCard) < 0.03, "independent " + measured + " vs card " + onCard);
        assertTrue(measured >= ToyClaims.MIN_IOI_ACCURACY, correct + " of " + n);
    }

    @Test
    void factsRecall() {
        int correct = 0;
        int n = 0;
        for (JsonNode c : world.get("countries")) {
            if (n >= 240) {
                break;
            }
            String country = c.get("name").asText();
            correct += top1("The capital of " + country + " is") == model.tokenizer().singleToken(c.get("capital").asText(), "capital") ? 1 : 0;
            correct += top1("People in " + country + " speak") == model.tokenizer().singleToken(c.get("language").asText(), "language") ? 1 : 0;
            n += 2;
        }
        // the card claims 100% on 720 prompts
        assertTrue(correct >= 0.99 * n, correct + " of " + n);
    }

    @Test
    void sampleCorporaAreAnsweredTop1() {
        for (String name : List.of("facts_v1.jsonl", "ioi_v1.jsonl", "induction_v1.jsonl")) {
            List<CorpusItem> items = Corpus.read(CORPORA.resolve(name));
            assertTrue(items.size() >= 60, name);
            int clean = 0;
            int corrupt = 0;
            for (CorpusItem it : items) {
                assertEquals(model.tokenizer().encode(it.clean()).length, model.tokenizer().encode(it.corrupt()).length, it.id());
                clean += top1(it.clean()) == model.tokenizer().singleToken(it.target(), "target") ? 1 : 0;
                corrupt += top1(it.corrupt()) == model.tokenizer().singleToken(it.foil(), "foil") ? 1 : 0;
            }
            assertTrue(clean >= 0.95 * items.size(), name + ": clean answered " + clean + " of " + items.size());
            assertTrue(corrupt >= 0.9 * items.size(), name + ": corrupt answered with the foil " + corrupt + " of " + items.size());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
