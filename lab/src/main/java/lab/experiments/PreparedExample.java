package lab.experiments;

import java.util.Arrays;

/**
 * A prompt as token ids, and its answers: target and foil as token sequences, one token each
 * unless the run scores answer spans ({@code "span": "full"}; then they may differ in length).
 * {@code subject} is where the prompt's subject lies in {@code clean}, or null when the corpus
 * item names none.
 */
public record PreparedExample(String id, String group, long[] clean, long[] corrupt, long[] targetTokens,
                              long[] foilTokens, TokenSpan subject) {

    /** Answers as token sequences, no subject. */
    public PreparedExample(String id, String group, long[] clean, long[] corrupt, long[] targetTokens, long[] foilTokens) {
        this(id, group, clean, corrupt, targetTokens, foilTokens, null);
    }

    public PreparedExample {
        if (targetTokens.length == 0 || foilTokens.length == 0) {
            throw new IllegalArgumentException("example " + id + ": an answer needs at least one token");
        }
        clean = clean.clone();
        corrupt = corrupt.clone();
        targetTokens = targetTokens.clone();
        foilTokens = foilTokens.clone();
    }

    /** One-token target and foil. */
    public PreparedExample(String id, String group, long[] clean, long[] corrupt, long target, long foil) {
        this(id, group, clean, corrupt, target, foil, null);
    }

    /** One-token target and foil, with the subject's span (null for none). */
    public PreparedExample(String id, String group, long[] clean, long[] corrupt, long target, long foil, TokenSpan subject) {
        this(id, group, clean, corrupt, new long[] {target}, new long[] {foil}, subject);
    }

    /** True when target and foil are one token each: they are read from the prompt's last position alone. */
    public boolean singleTokenAnswers() {
        return targetTokens.length == 1 && foilTokens.length == 1;
    }

    /** The target's single token; fails for a multi-token target, which needs {@link AnswerScorer}. */
    public long target() {
        return single(targetTokens, "target");
    }

    /** The foil's single token; fails for a multi-token foil, which needs {@link AnswerScorer}. */
    public long foil() {
        return single(foilTokens, "foil");
    }

    private long single(long[] tokens, String role) {
        if (tokens.length != 1) {
            throw new IllegalStateException("example " + id + ": the " + role + " is " + tokens.length + " tokens "
                    + Arrays.toString(tokens) + "; read multi-token answers through AnswerScorer");
        }
        return tokens[0];
    }

    @Override
    public long[] clean() {
        return clean.clone();
    }

    @Override
    public long[] corrupt() {
        return corrupt.clone();
    }

    @Override
    public long[] targetTokens() {
        return targetTokens.clone();
    }

    @Override
    public long[] foilTokens() {
        return foilTokens.clone();
    }
}
