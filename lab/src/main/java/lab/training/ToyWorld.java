package lab.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The synthetic world the toy model learns, generated from a seed: people's names (some held out
 * of IOI training), places, objects, IOI templates (some held out), and a made-up geography of
 * countries with a capital and a language each. Its {@link Vocabulary} holds every word any task
 * can produce, each a single token.
 */
public final class ToyWorld {

    /** What HF's Whitespace pre-tokenizer splits on: runs of word characters, runs of punctuation. */
    static final Pattern WORD = Pattern.compile("\\w+|[^\\w\\s]+");

    /** One country of the made-up geography. */
    public record Country(String name, String capital, String language) {
    }

    /**
     * @param entities countries (at least 100 for the shipped model)
     * @param languages distinct languages the countries share
     * @param heldOutNames names never used in IOI training sentences
     */
    public record Spec(int entities, int languages, int heldOutNames) {
        public static Spec defaults() {
            return new Spec(120, 12, 12);
        }
    }

    private final long seed;
    private final Spec spec;
    private final List<String> trainNames;
    private final List<String> heldOutNames;
    private final List<Country> countries;
    private final Vocabulary vocabulary;

    private ToyWorld(long seed, Spec spec, List<String> trainNames, List<String> heldOutNames, List<Country> countries) {
        this.seed = seed;
        this.spec = spec;
        this.trainNames = List.copyOf(trainNames);
        this.heldOutNames = List.copyOf(heldOutNames);
        this.countries = List.copyOf(countries);
        this.vocabulary = buildVocabulary();
    }

    public static ToyWorld generate(Spec spec, long seed) {
        if (spec.heldOutNames() < 2 || spec.heldOutNames() > WordLists.NAMES.size() - 2) {
            throw new IllegalArgumentException("held-out names must be between 2 and " + (WordLists.NAMES.size() - 2));
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> names = new ArrayList<>(WordLists.NAMES);
        shuffle(names, rng);
        int cut = names.size() - spec.heldOutNames();
        Set<String> taken = new LinkedHashSet<>(WordLists.NAMES);
        taken.addAll(WordLists.PLACES);
        taken.addAll(WordLists.OBJECTS);
        List<String> languages = madeUpWords(rng, spec.languages(), WordLists.LANGUAGE_ENDINGS, taken);
        List<String> countryNames = madeUpWords(rng, spec.entities(), WordLists.COUNTRY_ENDINGS, taken);
        List<String> cities = madeUpWords(rng, spec.entities(), WordLists.CITY_ENDINGS, taken);
        List<Country> countries = new ArrayList<>();
        for (int i = 0; i < countryNames.size(); i++) {
            countries.add(new Country(countryNames.get(i), cities.get(i), languages.get(rng.nextInt(languages.size()))));
        }
        return new ToyWorld(seed, spec, names.subList(0, cut), names.subList(cut, names.size()), countries);
    }

    private static List<String> madeUpWords(SplittableRandom rng, int count, List<String> endings, Set<String> taken) {
        List<String> out = new ArrayList<>();
        int attempts = 0;
        while (out.size() < count) {
            if (++attempts > 100 * count + 1000) {
                throw new IllegalArgumentException("cannot make " + count + " distinct made-up names; ask for fewer");
            }
            String w = pick(rng, WordLists.ONSETS) + pick(rng, WordLists.VOWELS)
                    + (rng.nextInt(3) == 0 ? pick(rng, WordLists.CODAS) + pick(rng, WordLists.VOWELS) : "")
                    + pick(rng, endings);
            String lower = w.toLowerCase(java.util.Locale.ROOT);
            if (taken.stream().noneMatch(t -> t.equalsIgnoreCase(lower))) {
                taken.add(w);
                out.add(w);
            }
        }
        return out;
    }

    private static String pick(SplittableRandom rng, List<String> from) {
        return from.get(rng.nextInt(from.size()));
    }

    static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, rng.nextInt(i + 1));
        }
    }

    private Vocabulary buildVocabulary() {
        Set<String> words = new LinkedHashSet<>();
        for (String t : WordLists.IOI_TEMPLATES) {
            words.addAll(words(t.replaceAll("\\{\\w+}", " ")));
        }
        for (String t : allPhrasings()) {
            words.addAll(words(t.replaceAll("\\{\\w+}", " ")));
        }
        words.addAll(WordLists.NAMES);
        words.addAll(WordLists.PLACES);
        words.addAll(WordLists.OBJECTS);
        countries.forEach(c -> words.add(c.name()));
        countries.forEach(c -> words.add(c.capital()));
        countries.forEach(c -> words.add(c.language()));
        return new Vocabulary(new ArrayList<>(words));
    }

    /** The words of {@code text} as the tokenizer splits it. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static List<String> allPhrasings() {
        List<String> all = new ArrayList<>(WordLists.CAPITAL_PHRASINGS);
        all.addAll(WordLists.LANGUAGE_PHRASINGS);
        return all;
    }

    public long seed() {
        return seed;
    }

    public Spec spec() {
        return spec;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Names that IOI training sentences use. */
    public List<String> trainNames() {
        return trainNames;
    }

    /** Names never seen in an IOI training sentence (they do occur in induction sequences). */
    public List<String> heldOutNames() {
        return heldOutNames;
    }

    public List<String> places() {
        return WordLists.PLACES;
    }

    public List<String> objects() {
        return WordLists.OBJECTS;
    }

    public List<String> trainTemplates() {
        return WordLists.IOI_TEMPLATES.subList(0, WordLists.IOI_TEMPLATES.size() - WordLists.HELD_OUT_IOI_TEMPLATES);
    }

    public List<String> heldOutTemplates() {
        return WordLists.IOI_TEMPLATES.subList(WordLists.IOI_TEMPLATES.size() - WordLists.HELD_OUT_IOI_TEMPLATES,
                WordLists.IOI_TEMPLATES.size());
    }

    /** Words of held-out templates that no training template has; IOI training never uses them. */
    public java.util.Set<String> heldOutTemplateWords() {
        java.util.Set<String> held = new LinkedHashSet<>();
        heldOutTemplates().forEach(t -> held.addAll(words(t.replaceAll("\\{\\w+}", " "))));
        trainTemplates().forEach(t -> held.removeAll(words(t.replaceAll("\\{\\w+}", " "))));
        return held;
    }

    /**
     * Words that may fill the name slots of IOI training sentences: every alphabetic word except
     * the held-out names and the anchors "and" and "to". Copying must not depend on what kind of
     * token was mentioned once, or it would not reach names it never saw as an IOI answer.
     */
    public List<String> ioiSlotWords() {
        java.util.Set<String> excluded = new java.util.HashSet<>(heldOutNames);
        excluded.add("and");
        excluded.add("to");
        List<String> out = new ArrayList<>();
        for (int id : vocabulary.plainWordIds()) {
            if (!excluded.contains(vocabulary.word(id))) {
                out.add(vocabulary.word(id));
            }
        }
        return out;
    }

    /**
     * Filler for template-free IOI sentences: alphabetic words that are no name (and not "and" or
     * "to", which anchor the sentence). Held-out templates' words are allowed: a held-out template
     * is an unseen arrangement, not unseen vocabulary.
     */
    public List<String> ioiFillerWords() {
        java.util.Set<String> excluded = new java.util.HashSet<>(WordLists.NAMES);
        excluded.add("and");
        excluded.add("to");
        List<String> out = new ArrayList<>();
        for (int id : vocabulary.plainWordIds()) {
            if (!excluded.contains(vocabulary.word(id))) {
                out.add(vocabulary.word(id));
            }
        }
        return out;
    }

    public List<Country> countries() {
        return countries;
    }

    public List<String> capitalPhrasings() {
        return WordLists.CAPITAL_PHRASINGS;
    }

    public List<String> languagePhrasings() {
        return WordLists.LANGUAGE_PHRASINGS;
    }

    /** The world as plain data, for world.json beside the model. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("ioi_train_names", trainNames);
        m.put("ioi_held_out_names", heldOutNames);
        m.put("places", places());
        m.put("objects", objects());
        m.put("ioi_train_templates", trainTemplates());
        m.put("ioi_held_out_templates", heldOutTemplates());
        m.put("capital_phrasings", capitalPhrasings());
        m.put("language_phrasings", languagePhrasings());
        m.put("countries", countries);
        m.put("vocabulary", vocabulary.tokens());
        return m;
    }
}
