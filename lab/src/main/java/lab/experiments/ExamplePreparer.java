package lab.experiments;

import java.util.Arrays;
import lab.runtime.ModelTokenizer;

/**
 * Tokenizes prompts and checks what every experiment relies on: answers it can score (one token
 * each, or any length with {@link AnswerSpan#FULL}), two different answers, equal lengths.
 */
public final class ExamplePreparer {

    private final ModelTokenizer tokenizer;
    private final boolean prependBos;
    private final int contextLength;
    private final AnswerSpan span;

    public ExamplePreparer(ModelTokenizer tokenizer, boolean prependBos, int contextLength) {
        this(tokenizer, prependBos, contextLength, AnswerSpan.SINGLE);
    }

    public ExamplePreparer(ModelTokenizer tokenizer, boolean prependBos, int contextLength, AnswerSpan span) {
        this.tokenizer = tokenizer;
        this.prependBos = prependBos;
        this.contextLength = contextLength;
        this.span = span;
    }

    /** @param where the file and line the prompt came from, for error messages */
    public PreparedExample prepare(Prompt p, String where) {
        String at = where + " (id " + p.id() + "): ";
        long[] target;
        long[] foil;
        try {
            target = answer(p.target(), "target");
            foil = answer(p.foil(), "foil");
        } catch (ModelTokenizer.NotSingleTokenException e) {
            throw new IllegalArgumentException(at + e.getMessage() + ", or score answers of several tokens with"
                    + " \"span\": \"full\" in the config's data or experiment section", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        if (Arrays.equals(target, foil)) {
            throw new IllegalArgumentException(at + "target and foil are the same token" + (target.length > 1 ? "s" : "")
                    + " '" + p.target() + "'; a logit difference needs two different answers");
        }
        long[] clean = tokenizer.encode(p.clean(), prependBos);
        long[] corrupt = tokenizer.encode(p.corrupt(), prependBos);
        if (clean.length != corrupt.length) {
            throw new IllegalArgumentException(at + "clean is " + clean.length
                    + " tokens but corrupt is " + corrupt.length + " (" + Arrays.toString(tokenizer.tokens(p.clean()))
                    + " vs " + Arrays.toString(tokenizer.tokens(p.corrupt())) + "); make the corruption a same-length"
                    + " token swap so positions line up");
        }
        // Teacher forcing feeds every answer token but the last after the prompt.
        int longest = clean.length + Math.max(target.length, foil.length) - 1;
        if (longest > contextLength) {
            throw new IllegalArgumentException(at + longest + " tokens" + (longest > clean.length
                    ? " (prompt and answer without its last token)" : "") + " is longer than the model's context of "
                    + contextLength);
        }
        TokenSpan subject = p.subject() == null ? null : SubjectTokens.find(tokenizer, clean, p.subject())
                .orElseThrow(() -> new IllegalArgumentException(where + " (id " + p.id() + "): subject '" + p.subject()
                        + "' is not among the clean prompt's tokens " + Arrays.toString(tokenizer.tokens(p.clean()))
                        + "; give the subject as whole words of the clean prompt"));
        return new PreparedExample(p.id(), p.group(), clean, corrupt, target, foil, subject);
    }

    private long[] answer(String text, String role) {
        if (span == AnswerSpan.SINGLE) {
            return new long[] {tokenizer.singleToken(text, role)};
        }
        long[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw new IllegalArgumentException(role + " '" + text + "' has no tokens; give a non-empty answer");
        }
        return ids;
    }
}
