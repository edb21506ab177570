package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model folder as HF saves it: config.json, and weights in model.safetensors or in shards
 * listed by model.safetensors.index.json.
 */
public final class Checkpoint {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final HfConfig config;

    private Checkpoint(Path dir, HfConfig config) {
        this.dir = dir;
        this.config = config;
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model folder " + dir + " does not exist (or is not a folder)");
        }
        return new Checkpoint(dir, HfConfig.read(dir.resolve("config.json")));
    }

    public Path dir() {
        return dir;
    }

    public HfConfig config() {
        return config;
    }

    /** The weight files, in the order the index names them. */
    public List<Path> weightFiles() {
        Path single = dir.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            throw new ModelLoadException("no weights in " + dir + ": expected " + SINGLE + " or " + INDEX
                    + " (PyTorch .bin checkpoints are not read; re-save with safe_serialization=True)");
        }
        try {
            JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            if (!map.isObject() || map.isEmpty()) {
                throw new ModelLoadException(index + " has no 'weight_map' object");
            }
            Set<String> files = new LinkedHashSet<>();
            for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
                files.add(it.next().asText());
            }
            List<Path> paths = new ArrayList<>();
            for (String f : files) {
                Path p = dir.resolve(f);
                if (!Files.isRegularFile(p)) {
                    throw new ModelLoadException(index + " lists shard " + f + ", which is missing from " + dir);
                }
                paths.add(p);
            }
            return paths;
        } catch (IOException e) {
            throw new ModelLoadException(index + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parameters stored in the weight files, counted from their headers (no tensor is read).
     * Buffers that some checkpoints save beside the weights (causal-mask {@code attn.bias},
     * rotary {@code inv_freq}) are not parameters and are left out.
     */
    public long parameterCount() {
        long total = 0;
        for (Path file : weightFiles()) {
            for (Map.Entry<String, Long> e : SafetensorsFile.elementCounts(file).entrySet()) {
                String n = e.getKey();
                if (!n.endsWith(".attn.bias") && !n.endsWith(".attn.masked_bias") && !n.endsWith("inv_freq")) {
                    total += e.getValue();
                }
            }
        }
        return total;
    }

    /** Every tensor of every weight file, remembering which file each came from. */
    public TensorSource readTensors(NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        for (Path file : weightFiles()) {
            for (Map.Entry<String, NDArray> e : SafetensorsFile.read(manager, file).entrySet()) {
                tensors.put(e.getKey(), e.getValue());
                origin.put(e.getKey(), file);
            }
        }
        return new TensorSource(tensors, origin, weightFiles().size() == 1 ? weightFiles().get(0) : dir.resolve(INDEX),
                config.file());
    }
}
