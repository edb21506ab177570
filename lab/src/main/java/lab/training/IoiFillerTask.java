package lab.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * IOI sentences without a template: "[w..] {A} and {B} w w w , [w..] {S} w w to {IO}" with random
 * filler words, so that the only thing the answer can depend on is which of the two introduced
 * tokens comes back, never the position or the wording. Slot fillers come from {@code slotWords}
 * (names and other content words), fillers from {@code fillerWords}; callers keep held-out names
 * and held-out template words out of both.
 */
public final class IoiFillerTask {

    private final List<String> slotWords;
    private final List<String> fillerWords;

    public IoiFillerTask(List<String> slotWords, List<String> fillerWords) {
        if (slotWords.size() < 2 || fillerWords.isEmpty()) {
            throw new IllegalArgumentException("IOI filler sentences need two slot words and some filler");
        }
        this.slotWords = List.copyOf(slotWords);
        this.fillerWords = List.copyOf(fillerWords);
    }

    public IoiTask.Prompt sample(SplittableRandom rng) {
        String a = pick(rng, slotWords);
        String b;
        do {
            b = pick(rng, slotWords);
        } while (b.equals(a));
        boolean subjectIsB = rng.nextBoolean();
        String subject = subjectIsB ? b : a;
        String answer = subjectIsB ? a : b;
        List<String> before = new ArrayList<>();
        filler(rng, before, rng.nextInt(3));
        before.add(a);
        before.add("and");
        before.add(b);
        filler(rng, before, 1 + rng.nextInt(6));
        before.add(rng.nextBoolean() ? "," : ".");
        filler(rng, before, rng.nextInt(3));
        List<String> after = new ArrayList<>();
        filler(rng, after, 1 + rng.nextInt(4));
        after.add("to");
        String head = String.join(" ", before);
        String tail = String.join(" ", after);
        return new IoiTask.Prompt(head + " " + subject + " " + tail, answer, subject, head + " " + answer + " " + tail, -1);
    }

    private void filler(SplittableRandom rng, List<String> out, int count) {
        for (int i = 0; i < count; i++) {
            out.add(pick(rng, fillerWords));
        }
    }

    private static String pick(SplittableRandom rng, List<String> from) {
        return from.get(rng.nextInt(from.size()));
    }
}
