package lab.runtime.loading;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import lab.runtime.DeviceChoice;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.ModelTokenizer;
import lab.runtime.ModelWeights;

/** Loads an HF model folder into a {@link HookedTransformer}, picking the converter by model_type. */
public final class ModelLoader {

    private static final Map<String, Supplier<WeightConverter>> FAMILIES = new TreeMap<>(Map.of(
            "gpt2", Gpt2Weights::new,
            "gpt_neo", GptNeoWeights::new,
            "gpt_neox", NeoXWeights::new,
            "llama", () -> new LlamaWeights("llama"),
            "mistral", () -> new LlamaWeights("mistral"),
            "qwen2", () -> new LlamaWeights("qwen2")));

    private ModelLoader() {
    }

    public static HookedTransformer load(Path dir, LoadOptions options) {
        Checkpoint checkpoint = Checkpoint.open(dir);
        ModelConfig config = readConfig(checkpoint);
        WeightConverter converter = converter(checkpoint.config());
        Device device = DeviceChoice.resolve(options.device());
        NDManager model = NDManager.newBaseManager(device, "PyTorch");
        try (NDManager staging = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> converted = converter.convert(config, checkpoint.readTensors(staging));
            Map<String, NDArray> placed = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : converted.entrySet()) {
                // duplicate() makes storage of its own: decoded tensors borrow a direct buffer that the
                // staging manager frees, and toType/toDevice share storage when nothing changes
                NDArray t = e.getValue().toType(options.dtype(), false).toDevice(device, false).duplicate();
                t.attach(model);
                t.setName(e.getKey());
                placed.put(e.getKey(), t);
            }
            ModelWeights weights = new ModelWeights(model, config, placed);
            return new HookedTransformer(config, weights, tokenizerIfAny(dir, config), device);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The architecture a folder's config.json describes, without reading any weights. */
    public static ModelConfig readConfig(Checkpoint checkpoint) {
        return converter(checkpoint.config()).config(checkpoint.config());
    }

    private static WeightConverter converter(HfConfig hf) {
        String type = hf.modelType();
        Supplier<WeightConverter> family = FAMILIES.get(type);
        if (family == null) {
            throw new ModelLoadException(hf.file() + ": model_type '" + type + "' is not supported; supported: "
                    + String.join(", ", FAMILIES.keySet()));
        }
        return family.get();
    }

    private static ModelTokenizer tokenizerIfAny(Path dir, ModelConfig config) {
        Path file = dir.resolve("tokenizer.json");
        return Files.isRegularFile(file) ? ModelTokenizer.load(file, config.bosTokenId(), config.vocabSize()) : null;
    }
}
