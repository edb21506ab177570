package lab.cli;

import java.nio.file.Path;
import lab.runtime.HookedTransformer;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "HF model folder: config.json, model.safetensors (or sharded index), tokenizer.json.")
    Path dir;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda, cuda:N or mps (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (default: ${DEFAULT-VALUE}); bfloat16 checkpoints load widened to float32.")
    String dtype;

    HookedTransformer load() {
        return ModelLoader.load(dir, new LoadOptions(device, LoadOptions.parseDtype(dtype)));
    }
}
