package lab.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import lab.runtime.DeviceChoice;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.ModelWeights;
import lab.runtime.RandomWeights;
import lab.runtime.StandardShapes;
import lab.runtime.bench.ForwardBenchmark;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness bench forward}: forward throughput as a fraction of the machine's matmul rate. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Tokens/s of the forward pass, that rate as a fraction of libtorch's matmul rate measured in the"
                + " same run, and an optimised head-ablation sweep against the naive one.")
final class BenchForwardCommand implements Runnable {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "HF model folder.")
        Path dir;

        @Option(names = "--shape", paramLabel = "NAME", description = "Random weights of a known shape: gpt2-small, gpt2-medium.")
        String shape;
    }

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda, cuda:N or mps.")
    String device;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (bfloat16 is refused: DJL 0.32 aborts on it).")
    String dtype;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--iters", defaultValue = "5", description = "Timed forwards (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--sweep-seq", defaultValue = "32", description = "Tokens of the prompt the head sweep ablates (default: ${DEFAULT-VALUE}).")
    int sweepSeq;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random tokens (and weights with --shape).")
    long seed;

    @Override
    public void run() {
        try (HookedTransformer model = open(source, device, dtype, seed)) {
            int sequence = Math.min(seq, model.config().contextLength());
            ForwardBenchmark.Result r = ForwardBenchmark.run(model, batch, sequence, iters, sweepSeq, seed);
            ModelConfig c = model.config();
            System.out.printf("model              %s, %d layers, d_model %d, %d heads, %,d parameters%n",
                    source.dir != null ? source.dir : source.shape, c.nLayers(), c.dModel(), c.nHeads(), model.weights().parameterCount());
            System.out.printf("device             %s (%s), libtorch threads %d%n", model.device(), model.dtype(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("matmul rate        %.2f GFLOP/s (1024x1024 %s matmul, best of 5, before and after)%n", r.matmulFlops() / 1e9, model.dtype());
            System.out.printf("forward            %.1f tokens/s (batch %d x %d tokens, %d forwards)%n",
                    r.tokensPerSecond(), r.batch(), r.sequence(), r.iterations());
            System.out.printf("forward FLOP rate  %.2f GFLOP/s = %.3f of the matmul rate%n", r.forwardFlops() / 1e9,
                    r.fractionOfMatmul());
            System.out.printf("head-zero sweep    naive %.3f s, optimised %.3f s: %.2fx faster (max |logit diff| %.2e; %d tokens, every head)%n",
                    r.naiveSweepSeconds(), r.optimisedSweepSeconds(), r.sweepSpeedup(), r.sweepMaxAbsDiff(), Math.min(sweepSeq, sequence));
        }
    }

    /** The model a bench names: an HF folder, or random weights of a known shape (seeded). */
    static HookedTransformer open(Source source, String device, String dtype, long seed) {
        DataType type = LoadOptions.parseDtype(dtype);
        if (source.dir != null) {
            return ModelLoader.load(source.dir, new LoadOptions(device, type));
        }
        ModelConfig config = StandardShapes.get(source.shape);
        Device d = DeviceChoice.resolve(device);
        NDManager manager = NDManager.newBaseManager(d, Engine.getEngine("PyTorch").getEngineName());
        ModelWeights weights = RandomWeights.create(manager, config, seed, 0.02, type);
        return new HookedTransformer(config, weights, null, d);
    }
}
