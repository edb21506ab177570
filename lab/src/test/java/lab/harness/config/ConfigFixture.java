package lab.harness.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A project directory with a model, corpus and split in place, and the example config beside them. */
final class ConfigFixture {

    static final String EXAMPLE = """
            {"name": "h1_heads_zero",
             "model": {"path": "data/models/toy", "device": "auto", "dtype": "float32", "prepend_bos": true},
             "data": {"corpus": "data/corpora/ioi_v1.jsonl", "split": "data/splits/ioi_v1.split.json",
                      "subset": "test", "n_examples": 32},
             "experiment": {"type": "heads_zero", "scales": [0.0, 0.5, 1.0]},
             "metrics": ["logit_diff", "kl", "acc_flip_rate", "p_drop"],
             "seeds": [0, 1, 2],
             "output": {"root": "runs", "mlflow": "mlruns"}}
            """;

    private ConfigFixture() {
    }

    /** Creates data/models/toy/config.json, the corpus and the split under {@code root}. */
    static void populate(Path root) throws IOException {
        Files.createDirectories(root.resolve("data/models/toy"));
        Files.writeString(root.resolve("data/models/toy/config.json"), "{\"model_type\": \"gpt2\"}");
        Files.createDirectories(root.resolve("data/corpora"));
        Files.writeString(root.resolve("data/corpora/ioi_v1.jsonl"), "{\"prompt\": \"When Mary and John\"}\n");
        Files.createDirectories(root.resolve("data/splits"));
        Files.writeString(root.resolve("data/splits/ioi_v1.split.json"), "{\"test\": [0]}");
    }

    static Path write(Path root, String fileName, String json) throws IOException {
        Path file = root.resolve(fileName);
        Files.writeString(file, json);
        return file;
    }
}
