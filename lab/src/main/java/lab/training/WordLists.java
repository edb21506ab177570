package lab.training;

import java.util.List;

/** The fixed word lists the toy world draws from; every entry is one word-level token. */
final class WordLists {

    private WordLists() {
    }

    static final List<String> NAMES = List.of(
            "Mary", "John", "Alice", "Bob", "Sarah", "David", "Emma", "James", "Anna", "Peter", "Laura", "Tom",
            "Kate", "Paul", "Lucy", "Mark", "Julia", "Sam", "Clara", "Ben", "Rose", "Adam", "Nina", "Leo",
            "Grace", "Max", "Ella", "Jack", "Sophie", "Luke", "Iris", "Ryan", "Zoe", "Owen", "Maya", "Carl",
            "Eva", "Dan", "Lily", "Hugo", "Amy", "Ivan", "Jane", "Fred", "Ruth", "Neil", "Olga", "Victor",
            "Helen", "Oscar", "Tina", "Igor", "Vera", "Eric", "Diana", "Colin", "Fiona", "Simon", "Paula",
            "Henry", "Wendy", "Frank", "Bella", "Karl");

    static final List<String> PLACES = List.of(
            "park", "store", "school", "garden", "station", "market", "library", "beach", "office", "hospital",
            "museum", "restaurant", "church", "bank", "cafe", "kitchen", "harbor", "farm", "theater", "bakery",
            "lake", "forest", "castle", "village");

    static final List<String> OBJECTS = List.of(
            "ball", "book", "drink", "pear", "ring", "letter", "key", "gift", "flower", "cake", "pen", "basket",
            "hat", "coin", "map", "lamp", "cup", "bottle", "box", "shirt", "toy", "candle", "ticket", "bag");

    /**
     * IOI templates: {A} and {B} are introduced, {S} (one of them) is repeated, the answer is the
     * other. The last {@link #HELD_OUT_IOI_TEMPLATES} are never trained on.
     */
    static final List<String> IOI_TEMPLATES = List.of(
            "When {A} and {B} went to the {place}, {S} gave a {object} to",
            "After {A} and {B} arrived at the {place}, {S} handed a {object} to",
            "While {A} and {B} were working at the {place}, {S} passed a {object} to",
            "{A} and {B} went to the {place}. {S} gave a {object} to",
            "Then {A} and {B} had a long talk at the {place}. {S} offered a {object} to",
            "When {A} and {B} got a {object} at the {place}, {S} decided to give it to",
            "Yesterday {A} and {B} met at the {place}, and {S} sold a {object} to",
            "Friends {A} and {B} found a {object} at the {place}. {S} gave it to",
            "After the lunch, {A} and {B} went to the {place}. {S} brought a {object} to",
            "The {place} was quiet when {A} and {B} arrived. {S} showed a {object} to",
            "As {A} and {B} left the {place}, {S} threw a {object} to",
            "{A} and {B} spent the day at the {place}, and {S} lent a {object} to",
            "On Monday {A} and {B} visited the {place}. Later {S} sent a {object} to",
            "At the {place}, {A} and {B} ate together. Then {S} gave a {object} to",
            "{A} and {B} walked into the {place}. {S} tossed a {object} to",
            "When {A} and {B} were at the {place}, {S} mailed a {object} to",
            "Once {A} and {B} reached the {place}, {S} returned a {object} to",
            "Later {A} and {B} cleaned the {place}, so {S} gave a {object} to",
            "Since {A} and {B} were in the {place}, {S} carried a {object} to",
            "Today {A} and {B} stopped at the {place}, where {S} passed a {object} to");

    static final int HELD_OUT_IOI_TEMPLATES = 4;

    /** Fact phrasings per relation; {E} is the entity, the answer follows the prompt. */
    static final List<String> CAPITAL_PHRASINGS = List.of(
            "The capital of {E} is",
            "{E} has its capital in",
            "In {E}, the capital city is");

    static final List<String> LANGUAGE_PHRASINGS = List.of(
            "The language of {E} is",
            "People in {E} speak",
            "In {E}, most people speak");

    /** Syllables for the made-up world's country, city and language names. */
    static final List<String> ONSETS = List.of("V", "K", "T", "M", "Z", "Th", "Br", "Qu", "D", "S", "L", "N", "R",
            "G", "P", "F", "Dr", "Gr", "St", "X");
    static final List<String> VOWELS = List.of("a", "e", "i", "o", "u", "ae", "y");
    static final List<String> CODAS = List.of("l", "r", "n", "th", "s", "d", "m", "v", "z", "k");
    static final List<String> COUNTRY_ENDINGS = List.of("dor", "ria", "land", "stan", "via", "mar", "nia", "gard");
    static final List<String> CITY_ENDINGS = List.of("burg", "ton", "heim", "port", "ville", "grad", "holm", "ford");
    static final List<String> LANGUAGE_ENDINGS = List.of("ish", "ese", "ic", "ian");
}
