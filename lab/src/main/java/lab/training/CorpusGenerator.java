package lab.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import lab.data.CorpusItem;
import lab.runtime.ModelTokenizer;

/**
 * The sample corpora, drawn from the toy world with a seed. Each item's corrupt prompt is the
 * minimal change that flips the answer to the foil:
 * <ul>
 *   <li>IOI: the repeated name's second occurrence becomes the other name, so the answer becomes
 *       the formerly repeated one (group: the template);</li>
 *   <li>facts: the country is swapped for one whose attribute differs (group and subject: the country);</li>
 *   <li>induction: in the first occurrence, the token the copy would return is replaced by one
 *       found nowhere in the sequence, which becomes the answer (group: the sequence).</li>
 * </ul>
 * Targets and foils carry a leading space (GPT-2 convention; the toy tokenizer ignores it).
 */
public final class CorpusGenerator {

    private final ToyWorld world;
    private final long seed;

    public CorpusGenerator(ToyWorld world, long seed) {
        this.world = world;
        this.seed = seed;
    }

    /** IOI items over every template (training and held-out), names from the whole list. */
    public List<CorpusItem> ioi(int perTemplate) {
        List<String> allNames = new ArrayList<>(world.trainNames());
        allNames.addAll(world.heldOutNames());
        List<String> templates = new ArrayList<>(world.trainTemplates());
        templates.addAll(world.heldOutTemplates());
        SplittableRandom rng = new SplittableRandom(seed);
        List<CorpusItem> items = new ArrayList<>();
        for (int t = 0; t < templates.size(); t++) {
            IoiTask task = new IoiTask(allNames, List.of(templates.get(t)), world.places(), world.objects());
            for (int i = 0; i < perTemplate; i++) {
                IoiTask.Prompt p = task.sample(rng);
                items.add(new CorpusItem(String.format("ioi-%02d-%d", t, i), p.prompt(), p.corrupt(), " " + p.answer(),
                        " " + p.subject(), String.format("template-%02d", t)));
            }
        }
        return items;
    }

    /** One capital and one language item per country, random phrasings. */
    public List<CorpusItem> facts() {
        SplittableRandom rng = new SplittableRandom(seed + 1);
        FactsTask task = new FactsTask(world);
        List<ToyWorld.Country> countries = world.countries();
        List<CorpusItem> items = new ArrayList<>();
        for (ToyWorld.Country c : countries) {
            for (String relation : List.of("capital", "language")) {
                int phrasings = relation.equals("capital") ? world.capitalPhrasings().size() : world.languagePhrasings().size();
                FactsTask.Fact clean = task.fact(c, relation, rng.nextInt(phrasings));
                FactsTask.Fact corrupt;
                do {
                    corrupt = task.fact(countries.get(rng.nextInt(countries.size())), relation, clean.phrasing());
                } while (corrupt.answer().equals(clean.answer()));
                items.add(new CorpusItem("facts-" + c.name() + "-" + relation, clean.prompt(), corrupt.prompt(),
                        " " + clean.answer(), " " + corrupt.answer(), c.name(), c.name()));
            }
        }
        return items;
    }

    /**
     * Repeated random sequences cut inside the second repeat.
     *
     * @param room longest sequence in tokens (the model's context minus one for BOS)
     */
    public List<CorpusItem> induction(int count, int minPeriod, int maxPeriod, int maxOffset, int room) {
        SplittableRandom rng = new SplittableRandom(seed + 2);
        InductionTask task = new InductionTask(world.vocabulary().plainWordIds(), minPeriod, maxPeriod, maxOffset);
        Vocabulary v = world.vocabulary();
        List<CorpusItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InductionTask.Sequence s = task.sample(rng, room);
            int j = 1 + rng.nextInt(s.period() - 2);
            int[] clean = Arrays.copyOf(s.tokens(), s.secondStart() + j + 1);
            int target = clean[s.offset() + j + 1];
            int foil = task.outsider(rng, s.tokens());
            int[] corrupt = clean.clone();
            corrupt[s.offset() + j + 1] = foil;
            items.add(new CorpusItem(String.format("induction-%03d", i), text(v, clean), text(v, corrupt),
                    " " + v.word(target), " " + v.word(foil), String.format("sequence-%03d", i)));
        }
        return items;
    }

    private static String text(Vocabulary v, int[] ids) {
        return Arrays.stream(ids).mapToObj(v::word).collect(Collectors.joining(" "));
    }

    /**
     * Checks items against a tokenizer: clean and corrupt of equal length, target and foil single
     * tokens that differ. Returns the problems found (empty when sound).
     */
    public static List<String> check(List<CorpusItem> items, ModelTokenizer tokenizer) {
        List<String> problems = new ArrayList<>();
        for (CorpusItem it : items) {
            int clean = tokenizer.encode(it.clean()).length;
            int corrupt = tokenizer.encode(it.corrupt()).length;
            if (clean != corrupt) {
                problems.add(it.id() + ": clean is " + clean + " tokens, corrupt " + corrupt);
            }
            try {
                if (tokenizer.singleToken(it.target(), "target") == tokenizer.singleToken(it.foil(), "foil")) {
                    problems.add(it.id() + ": target and foil are the same token");
                }
            } catch (ModelTokenizer.NotSingleTokenException e) {
                problems.add(it.id() + ": " + e.getMessage());
            }
        }
        return problems;
    }
}
