package lab.runtime.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.onednn.OneDnnLinear;

/**
 * Measures the forward pass against the machine's own libtorch matmul rate. All figures come from
 * one run, so they share the machine's state. (The head-ablation sweep is experiments/bench's
 * SweepBenchmark, which times heads_zero itself.)
 */
public final class ForwardBenchmark {

    /**
     * The figures one run prints.
     *
     * @param matmulFlops libtorch's float matmul rate (MKL's sgemm on CPU)
     * @param onednnMatmulFlops the same product through {@link OneDnnLinear}; NaN where that path is unavailable
     * @param fractionOfMatmul the forward's FLOP rate over the better of the two
     * @param linearPath {@link OneDnnLinear#status()} during the timed forwards
     * @param libtorchLinearTokensPerSecond the same forwards with every linear layer on libtorch's
     *     linear, timed alternately with the others; NaN where oneDNN was not in use
     * @param linearPathMaxAbsDiff max |difference| of the first sequence's logits between the two
     *     paths; NaN where oneDNN was not in use
     */
    public record Result(double matmulFlops, double onednnMatmulFlops, double tokensPerSecond, double medianForwardSeconds,
                         double forwardFlops, double fractionOfMatmul, int batch, int sequence, int iterations,
                         String linearPath, double libtorchLinearTokensPerSecond, double linearPathMaxAbsDiff) {

        /** Tokens/s with oneDNN's linear over libtorch's (NaN where not measured). */
        public double linearPathSpeedup() {
            return tokensPerSecond / libtorchLinearTokensPerSecond;
        }
    }

    /** Wall time of untimed forwards before the timed ones. */
    static final long WARM_UP_NANOS = 2_000_000_000L;

    private ForwardBenchmark() {
    }

    public static Result run(HookedTransformer model, int batch, int sequence, int iterations, long seed) {
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            double matmulBefore = matmulFlops(m, model.dtype());
            long[][] rows = randomTokens(model.config(), batch, sequence, seed);
            double onednnBefore = onednnMatmulFlops(m, model.dtype());
            NDArray tokens = model.tokens(m, rows);
            String path = OneDnnLinear.status();
            // oneDNN's linear against libtorch's in the same run, one forward of each in turn, so
            // that load elsewhere touches both alike; only where the forward takes that path at all
            // (oneDNN's rate is NaN otherwise: another device or dtype, unavailable, turned off)
            boolean compare = !Double.isNaN(onednnBefore);
            warmUp(model, m, tokens);
            if (compare) {
                try (OneDnnLinear.Restore off = OneDnnLinear.use(OneDnnLinear.Mode.OFF)) {
                    warmUp(model, m, tokens);
                }
            }
            double[] each = new double[iterations];
            double[] plain = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                // which path goes first alternates too, so neither always follows the other
                if (compare && i % 2 == 1) {
                    plain[i] = timedPlainForward(model, m, tokens);
                }
                each[i] = timedForward(model, m, tokens);
                if (compare && i % 2 == 0) {
                    plain[i] = timedPlainForward(model, m, tokens);
                }
            }
            double tokensPerSecond = (double) batch * sequence * iterations / java.util.Arrays.stream(each).sum();
            double plainTokensPerSecond = compare
                    ? (double) batch * sequence * iterations / java.util.Arrays.stream(plain).sum() : Double.NaN;
            // each rate is the better of two measurements around the timed forwards, so a moment of
            // load elsewhere does not inflate the fraction
            double matmul = Math.max(matmulBefore, matmulFlops(m, model.dtype()));
            double onednn = Math.max(onednnBefore, onednnMatmulFlops(m, model.dtype()));
            double best = Double.isNaN(onednn) ? matmul : Math.max(matmul, onednn);
            double flops = forwardFlopsPerToken(model.config(), sequence) * tokensPerSecond;
            double diff = compare ? pathsMaxAbsDiff(model, m, rows[0]) : Double.NaN;
            return new Result(matmul, onednn, tokensPerSecond, median(each), flops, flops / best, batch, sequence,
                    iterations, path, plainTokensPerSecond, diff);
        }
    }

    /** The faster path against the plain one on the same input: one sequence's logits both ways. */
    private static double pathsMaxAbsDiff(HookedTransformer model, NDManager m, long[] row) {
        try (NDManager scratch = m.newSubManager()) {
            NDArray tokens = model.tokens(scratch, new long[][] {row});
            NDArray fast = model.logits(scratch, tokens);
            NDArray plain;
            try (OneDnnLinear.Restore off = OneDnnLinear.use(OneDnnLinear.Mode.OFF)) {
                plain = model.logits(scratch, tokens);
            }
            return fast.sub(plain).abs().max().toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static double timedPlainForward(HookedTransformer model, NDManager m, NDArray tokens) {
        try (OneDnnLinear.Restore off = OneDnnLinear.use(OneDnnLinear.Mode.OFF)) {
            return timedForward(model, m, tokens);
        }
    }

    private static double timedForward(HookedTransformer model, NDManager m, NDArray tokens) {
        long start = System.nanoTime();
        model.logits(m, tokens).close();
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Forwards until {@link #WARM_UP_NANOS} have passed (at least one), so that the timed forwards
     * run compiled code: the JIT compiles the forward's Java path on threads of its own, which on a
     * 2-core machine take cores from libtorch's two (after one warm-up forward of GPT-2-small at
     * 1 x 20, the compilers still used 0.27 s of CPU during the next 30 forwards).
     */
    private static void warmUp(HookedTransformer model, NDManager m, NDArray tokens) {
        long start = System.nanoTime();
        do {
            model.logits(m, tokens).close();
        } while (System.nanoTime() - start < WARM_UP_NANOS);
    }

    /** Floating-point operations per token of one forward: matmuls, attention scores and mixing. */
    public static double forwardFlopsPerToken(ModelConfig c, int sequence) {
        return c.nLayers() * layerFlopsPerToken(c, sequence) + unembedFlopsPerToken(c);
    }

    /** Floating-point operations per token of one block at {@code sequence} tokens. */
    public static double layerFlopsPerToken(ModelConfig c, int sequence) {
        double d = c.dModel();
        double q = (double) c.nHeads() * c.dHead();
        double kv = (double) c.nKvHeads() * c.dHead();
        return 2 * (d * q + 2 * d * kv + q * d) + 2 * (c.gatedMlp() ? 3 : 2) * d * c.dMlp()
                // q.k and pattern.v over every key (the causal half is computed, then masked)
                + 2 * 2 * sequence * q;
    }

    /** Floating-point operations of unembedding one position. */
    public static double unembedFlopsPerToken(ModelConfig c) {
        return 2.0 * c.dModel() * c.vocabSize();
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@code batch} rows of {@code sequence} token ids drawn uniformly from the vocabulary. */
    public static long[][] randomTokens(ModelConfig c, int batch, int sequence, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[][] rows = new long[batch][sequence];
        for (long[] row : rows) {
            for (int i = 0; i < sequence; i++) {
                row[i] = rng.nextInt(c.vocabSize());
            }
        }
        return rows;
    }

    /** libtorch's float matmul rate on this device: 2n^3 FLOPs per product, best of several runs. */
    public static double matmulFlops(NDManager m, DataType dtype) {
        return productFlops(m, dtype, NDArray::matMul);
    }

    /**
     * The same product (a @ b^T) through {@link OneDnnLinear}, the path the forward's large linear
     * layers take on CPU; NaN where the forward would not take it (another device or dtype, the path
     * unavailable or turned off).
     */
    public static double onednnMatmulFlops(NDManager m, DataType dtype) {
        try (NDManager probe = m.newSubManager()) {
            NDArray square = probe.zeros(new Shape(1024, 1024)).toType(dtype, false);
            if (!OneDnnLinear.takes(square, square, null)) {
                return Double.NaN;
            }
        }
        return productFlops(m, dtype, (a, b) -> OneDnnLinear.apply(a, b, null));
    }

    private static double productFlops(NDManager m, DataType dtype, java.util.function.BinaryOperator<NDArray> product) {
        int n = 1024;
        try (NDManager scratch = m.newSubManager()) {
            NDArray a = scratch.randomNormal(new Shape(n, n)).toType(dtype, false);
            NDArray b = scratch.randomNormal(new Shape(n, n)).toType(dtype, false);
            product.apply(a, b).close();
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                long start = System.nanoTime();
                for (int i = 0; i < 4; i++) {
                    product.apply(a, b).close();
                }
                best = Math.min(best, (System.nanoTime() - start) / 4e9);
            }
            return 2.0 * n * n * n / best;
        }
    }
}
