package lab.experiments.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lab.experiments.PreparedExample;
import lab.runtime.ModelConfig;
import lab.runtime.bench.ForwardBenchmark;

/** Random-token examples for the benchmarks: prompts, corrupt prompts and answers drawn from a seed. */
final class BenchExamples {

    private BenchExamples() {
    }

    /** {@code count} examples of {@code tokens} tokens, each with its own corrupt prompt and two distinct answers. */
    static List<PreparedExample> random(ModelConfig c, int count, int tokens, long seed) {
        if (count < 1 || tokens < 1) {
            throw new IllegalArgumentException("--prompts and --tokens must be at least 1 (got " + count + " and " + tokens + ")");
        }
        if (tokens > c.contextLength()) {
            throw new IllegalArgumentException("--tokens " + tokens + " is longer than the model's context of " + c.contextLength());
        }
        long[][] clean = ForwardBenchmark.randomTokens(c, count, tokens, seed);
        long[][] corrupt = ForwardBenchmark.randomTokens(c, count, tokens, seed + 1);
        SplittableRandom answers = new SplittableRandom(seed + 2);
        List<PreparedExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long target = answers.nextInt(c.vocabSize());
            long foil = (target + 1 + answers.nextInt(c.vocabSize() - 1)) % c.vocabSize();
            out.add(new PreparedExample("bench-" + i, "bench", clean[i], corrupt[i], target, foil));
        }
        return out;
    }
}
