package lab.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The toy model's word-level vocabulary: id 0 is {@code <|endoftext|>} (BOS and document
 * separator), id 1 {@code <unk>}, then every word of the world. Punctuation marks are tokens of
 * their own, as HF's Whitespace pre-tokenizer splits them.
 */
public final class Vocabulary {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String UNKNOWN = "<unk>";
    public static final int BOS_ID = 0;

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] plainWords;

    Vocabulary(List<String> words) {
        List<String> all = new ArrayList<>();
        all.add(END_OF_TEXT);
        all.add(UNKNOWN);
        all.addAll(words);
        this.tokens = Collections.unmodifiableList(all);
        List<Integer> plain = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (ids.put(all.get(i), i) != null) {
                throw new IllegalArgumentException("word '" + all.get(i) + "' is in the vocabulary twice");
            }
            if (i > 1 && all.get(i).chars().allMatch(Character::isLetter)) {
                plain.add(i);
            }
        }
        this.plainWords = plain.stream().mapToInt(Integer::intValue).toArray();
    }

    public List<String> tokens() {
        return tokens;
    }

    public int size() {
        return tokens.size();
    }

    public int id(String word) {
        Integer id = ids.get(word);
        if (id == null) {
            throw new IllegalArgumentException("'" + word + "' is not in the toy vocabulary");
        }
        return id;
    }

    public String word(int id) {
        return tokens.get(id);
    }

    /** Ids of {@code text}, split as the tokenizer splits it. */
    public int[] encode(String text) {
        return ToyWorld.words(text).stream().mapToInt(this::id).toArray();
    }

    /** Ids of the alphabetic words (no specials, no punctuation): the pool random sequences draw from. */
    public int[] plainWordIds() {
        return plainWords.clone();
    }
}
