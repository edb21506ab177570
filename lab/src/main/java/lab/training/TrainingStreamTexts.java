package lab.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A toy model's own training stream continued past its last step: texts from the distribution
 * it was trained on that it never saw (an SAE trains on them, as SAELens trains on a model's
 * pretraining data). Read from the model directory: {@code model_card.json}'s
 * {@code training_config} and {@code training.steps}, and the world that config generates, which
 * must be the directory's {@code world.json} byte for byte (as {@code harness train} wrote it).
 * Batch {@code s} is {@link TrainingStream#batch} of step {@code s}; rows are read from step
 * {@code training.steps} on, {@code training.batch_size} per step, in order. A text is a row's
 * first {@code context} tokens (the model's inputs at that step; the last token was only a target).
 */
public final class TrainingStreamTexts {

    static final String CARD = "model_card.json";
    static final String WORLD = "world.json";

    private final TrainingStream stream;
    private final long firstStep;
    private final int batchSize;
    private final int context;

    private TrainingStreamTexts(TrainingStream stream, long firstStep, int batchSize, int context) {
        this.stream = stream;
        this.firstStep = firstStep;
        this.batchSize = batchSize;
        this.context = context;
    }

    /** @throws IllegalArgumentException one line naming what is missing or differs, and the fix */
    public static TrainingStreamTexts of(Path modelDir) {
        Path card = modelDir.resolve(CARD);
        Path world = modelDir.resolve(WORLD);
        String fix = "; \"texts\": \"training_stream\" needs a model trained by harness train (the training stream is"
                + " regenerated from its card), use \"texts\": \"corpus\" for this model";
        if (!Files.isRegularFile(card) || !Files.isRegularFile(world)) {
            throw new IllegalArgumentException(modelDir + " has no " + (Files.isRegularFile(card) ? WORLD : CARD) + fix);
        }
        JsonNode json;
        try {
            json = TrainConfig.JSON.readTree(card.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + card + ": " + e.getMessage() + fix);
        }
        if (!json.path("training_config").isObject() || !json.path("training").path("steps").canConvertToLong()) {
            throw new IllegalArgumentException(card + " has no training_config or training.steps" + fix);
        }
        TrainConfig config = TrainConfig.fromJson(json.get("training_config"), card + " training_config");
        ToyWorld generated = ToyWorld.generate(config.world(), config.seed());
        try {
            if (!WorldJson.write(generated).equals(Files.readString(world))) {
                throw new IllegalArgumentException(world + " is not the world its card's training_config (world "
                        + config.world() + ", seed " + config.seed() + ") generates, so the stream would not be the one the"
                        + " model trained on" + fix);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + world + ": " + e.getMessage() + fix);
        }
        return new TrainingStreamTexts(new TrainingStream(generated, config), json.get("training").get("steps").asLong(),
                config.optimizer().batchSize(), config.model().context());
    }

    /** The first {@code count} texts, in stream order (a pure function of the card and the count). */
    public List<long[]> texts(int count) {
        List<long[]> out = new ArrayList<>(count);
        for (long step = firstStep; out.size() < count; step++) {
            for (long[] row : stream.batch(step, batchSize)) {
                if (out.size() < count) {
                    out.add(Arrays.copyOf(row, context));
                }
            }
        }
        return out;
    }

    /** The first step read: the model's last training step + 1 (steps count from 0). */
    public long firstStep() {
        return firstStep;
    }

    /** Rows per step, as in training. */
    public int batchSize() {
        return batchSize;
    }

    /** Tokens per text (the model's context). */
    public int context() {
        return context;
    }
}
