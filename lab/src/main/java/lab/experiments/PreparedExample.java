package lab.experiments;

/** A prompt as token ids, target and foil as single-token ids. */
public record PreparedExample(String id, String group, long[] clean, long[] corrupt, long target, long foil) {

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
