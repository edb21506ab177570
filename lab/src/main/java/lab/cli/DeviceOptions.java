package lab.cli;

import ai.djl.ndarray.types.DataType;
import lab.runtime.loading.LoadOptions;
import picocli.CommandLine.Option;

/** Where a command's model runs and in what precision: shared by every command that builds a model. */
final class DeviceOptions {

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda, cuda:N or mps (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (default: ${DEFAULT-VALUE});"
            + " bfloat16 checkpoints load widened to float32 (--dtype bfloat16 is refused: DJL 0.32 aborts on it).")
    String dtype;

    LoadOptions loadOptions() {
        return new LoadOptions(device, dataType());
    }

    DataType dataType() {
        return LoadOptions.parseDtype(dtype);
    }
}
