package lab.training;

import java.util.SplittableRandom;

/**
 * Random token sequences that repeat: {@code noise + R + R}, where the noise length (where the
 * repeat starts) and the period |R| vary from sequence to sequence, and no token occurs twice
 * within noise + R. Continuing the second R needs an induction head: find the earlier occurrence
 * of the current token and copy the one after it. With a fixed length and offset a model can
 * solve it by position alone.
 */
public final class InductionTask {

    /**
     * @param tokens noise, then R, then R again
     * @param offset noise length: R first starts at {@code offset}
     * @param period |R|
     */
    public record Sequence(int[] tokens, int offset, int period) {
        /** Index in {@link #tokens} where the second R starts. */
        public int secondStart() {
            return offset + period;
        }
    }

    private final int[] pool;
    private final int minPeriod;
    private final int maxPeriod;
    private final int maxOffset;

    /**
     * @param pool token ids to draw from
     * @param minPeriod shortest R
     * @param maxPeriod longest R (capped further by the room a sequence has)
     * @param maxOffset longest noise before R
     */
    public InductionTask(int[] pool, int minPeriod, int maxPeriod, int maxOffset) {
        if (minPeriod < 2 || maxPeriod < minPeriod || maxOffset < 0 || pool.length < maxPeriod + maxOffset) {
            throw new IllegalArgumentException("induction needs 2 <= min period <= max period and a pool of at least"
                    + " max period + max offset tokens");
        }
        this.pool = pool.clone();
        this.minPeriod = minPeriod;
        this.maxPeriod = maxPeriod;
        this.maxOffset = maxOffset;
    }

    /** A sequence of at most {@code room} tokens. */
    public Sequence sample(SplittableRandom rng, int room) {
        if (room < 2 * minPeriod) {
            throw new IllegalArgumentException("room " + room + " is too short for two repeats of " + minPeriod);
        }
        int period = minPeriod + rng.nextInt(Math.min(maxPeriod, room / 2) - minPeriod + 1);
        int offset = rng.nextInt(Math.min(maxOffset, room - 2 * period) + 1);
        int[] distinct = distinct(rng, offset + period);
        int[] tokens = new int[offset + 2 * period];
        System.arraycopy(distinct, 0, tokens, 0, offset + period);
        System.arraycopy(distinct, offset, tokens, offset + period, period);
        return new Sequence(tokens, offset, period);
    }

    /** A token of the pool that is not in {@code sequence}. */
    public int outsider(SplittableRandom rng, int[] sequence) {
        while (true) {
            int t = pool[rng.nextInt(pool.length)];
            if (java.util.Arrays.stream(sequence).noneMatch(s -> s == t)) {
                return t;
            }
        }
    }

    private int[] distinct(SplittableRandom rng, int count) {
        int[] p = pool.clone();
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(p.length - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return java.util.Arrays.copyOf(p, count);
    }
}
