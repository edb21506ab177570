package lab.cli;

import java.nio.file.Path;
import lab.runtime.HookedTransformer;
import lab.runtime.loading.ModelLoader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "HF model folder: config.json, model.safetensors (or sharded index), tokenizer.json.")
    Path dir;

    @Mixin
    DeviceOptions where;

    HookedTransformer load() {
        return ModelLoader.load(dir, where.loadOptions());
    }
}
