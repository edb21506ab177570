package lab.experiments;

/**
 * A prompt as token ids, target and foil as single-token ids; {@code subject} is where the
 * prompt's subject lies in {@code clean}, or null when the corpus item names none.
 */
public record PreparedExample(String id, String group, long[] clean, long[] corrupt, long target, long foil,
                              TokenSpan subject) {

    public PreparedExample(String id, String group, long[] clean, long[] corrupt, long target, long foil) {
        this(id, group, clean, corrupt, target, foil, null);
    }

    public PreparedExample {
        clean = clean.clone();
        corrupt = corrupt.clone();
    }

    @Override
    public long[] clean() {
        return clean.clone();
    }

    @Override
    public long[] corrupt() {
        return corrupt.clone();
    }
}
