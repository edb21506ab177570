package lab.experiments;

import java.util.Arrays;
import lab.runtime.ModelTokenizer;

/** Tokenizes prompts and checks what every experiment relies on: one-token answers, equal lengths. */
public final class ExamplePreparer {

    private final ModelTokenizer tokenizer;
    private final boolean prependBos;
    private final int contextLength;

    public ExamplePreparer(ModelTokenizer tokenizer, boolean prependBos, int contextLength) {
        this.tokenizer = tokenizer;
        this.prependBos = prependBos;
        this.contextLength = contextLength;
    }

    /** @param where the file and line the prompt came from, for error messages */
    public PreparedExample prepare(Prompt p, String where) {
        long target;
        long foil;
        try {
            target = tokenizer.singleToken(p.target(), "target");
            foil = tokenizer.singleToken(p.foil(), "foil");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " (id " + p.id() + "): " + e.getMessage(), e);
        }
        if (target == foil) {
            throw new IllegalArgumentException(where + " (id " + p.id() + "): target and foil are the same token '"
                    + p.target() + "'; a logit difference needs two different answers");
        }
        long[] clean = tokenizer.encode(p.clean(), prependBos);
        long[] corrupt = tokenizer.encode(p.corrupt(), prependBos);
        if (clean.length != corrupt.length) {
            throw new IllegalArgumentException(where + " (id " + p.id() + "): clean is " + clean.length
                    + " tokens but corrupt is " + corrupt.length + " (" + Arrays.toString(tokenizer.tokens(p.clean()))
                    + " vs " + Arrays.toString(tokenizer.tokens(p.corrupt())) + "); make the corruption a same-length"
                    + " token swap so positions line up");
        }
        if (clean.length > contextLength) {
            throw new IllegalArgumentException(where + " (id " + p.id() + "): " + clean.length
                    + " tokens is longer than the model's context of " + contextLength);
        }
        TokenSpan subject = p.subject() == null ? null : SubjectTokens.find(tokenizer, clean, p.subject())
                .orElseThrow(() -> new IllegalArgumentException(where + " (id " + p.id() + "): subject '" + p.subject()
                        + "' is not among the clean prompt's tokens " + Arrays.toString(tokenizer.tokens(p.clean()))
                        + "; give the subject as whole words of the clean prompt"));
        return new PreparedExample(p.id(), p.group(), clean, corrupt, target, foil, subject);
    }
}
