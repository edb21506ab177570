package lab.experiments.inspection;

import lab.experiments.TokenSpan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ROME's grouping of a prompt's positions by their role relative to the subject, so that prompts
 * of different templates average together. Each position has one role; the last token wins over
 * every other role, then the subject's last token over its first.
 */
final class SubjectRoles {

    static final String[] NAMES = {"subject first", "subject middle", "subject last", "first after subject",
        "further tokens", "last token"};

    private SubjectRoles() {
    }

    /** The role index of {@code position}, or -1 for positions before the subject. */
    static int of(int position, TokenSpan subject, int length) {
        if (position == length - 1) {
            return 5;
        }
        if (position < subject.start()) {
            return -1;
        }
        if (position == subject.end() - 1) {
            return 2;
        }
        if (position == subject.start()) {
            return 0;
        }
        if (subject.contains(position)) {
            return 1;
        }
        return position == subject.end() ? 3 : 4;
    }

    /** Role index (as text) to its name. */
    static Map<String, String> labels() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            out.put(String.valueOf(i), NAMES[i]);
        }
        return out;
    }
}
