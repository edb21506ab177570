package lab.experiments;

import java.util.Optional;
import lab.runtime.ModelTokenizer;

/**
 * Finds a subject's tokens in a tokenized prompt. A word tokenizes differently at the start of a
 * text and after a space (byte-level BPE), so the subject is tried as written and with a leading
 * space; the first place either occurs wins.
 */
final class SubjectTokens {

    private SubjectTokens() {
    }

    static Optional<TokenSpan> find(ModelTokenizer tokenizer, long[] prompt, String subject) {
        String bare = subject.strip();
        TokenSpan best = null;
        for (String variant : new String[] {bare, " " + bare}) {
            long[] needle = tokenizer.encode(variant, false);
            int at = indexOf(prompt, needle);
            if (at >= 0 && (best == null || at < best.start())) {
                best = new TokenSpan(at, at + needle.length);
            }
        }
        return Optional.ofNullable(best);
    }

    private static int indexOf(long[] haystack, long[] needle) {
        if (needle.length == 0) {
            return -1;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
