package lab.experiments;

/** Token positions {@code start} (inclusive) to {@code end} (exclusive) of a prompt. */
public record TokenSpan(int start, int end) {

    public TokenSpan {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a token span needs 0 <= start < end, got " + start + ".." + end);
        }
    }

    public boolean contains(int position) {
        return position >= start && position < end;
    }

    public int length() {
        return end - start;
    }
}
