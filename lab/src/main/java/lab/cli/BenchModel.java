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
import lab.runtime.loading.ModelLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The model a {@code bench} command measures: a checkpoint, or random weights of a known shape. */
final class BenchModel {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "HF model folder.")
        Path dir;

        @Option(names = "--shape", paramLabel = "NAME", description = "Random weights of a known shape: gpt2-small, gpt2-medium.")
        String shape;
    }

    @Mixin
    DeviceOptions where;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random tokens (and weights with --shape).")
    long seed;

    String label() {
        return source.dir != null ? source.dir.toString() : source.shape;
    }

    HookedTransformer open() {
        if (source.dir != null) {
            return ModelLoader.load(source.dir, where.loadOptions());
        }
        DataType type = where.dataType();
        ModelConfig config = StandardShapes.get(source.shape);
        Device d = DeviceChoice.resolve(where.device);
        NDManager manager = NDManager.newBaseManager(d, Engine.getEngine("PyTorch").getEngineName());
        ModelWeights weights = RandomWeights.create(manager, config, seed, 0.02, type);
        return new HookedTransformer(config, weights, null, d);
    }
}
