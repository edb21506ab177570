package lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped toy model's training stream after its last step, checked against a stream built
 * here from the training config file the card names (not from the card's copy of it).
 */
class TrainingStreamTextsTest {

    static final Path TOY = Path.of("../data/models/toy");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theTextsAreTheStreamRowsAfterTheModelsTrainingSteps() throws Exception {
        JsonNode card = JSON.readTree(TOY.resolve("model_card.json").toFile());
        TrainConfig config = TrainConfig.read(Path.of("..").resolve(card.get("config_file").asText()));
        assertEquals(card.get("training_config"), JSON.readTree(JSON.writeValueAsString(config.toJson())),
                "the card was trained from " + card.get("config_file"));
        long steps = card.get("training").get("steps").asLong();
        assertEquals(8000, steps);
        TrainingStream stream = new TrainingStream(ToyWorld.generate(config.world(), config.seed()), config);

        // 70 texts: two whole steps of 32 rows and 6 rows of the third
        List<long[]> texts = TrainingStreamTexts.of(TOY).texts(70);
        assertEquals(70, texts.size());
        for (int i = 0; i < 70; i++) {
            long[] row = stream.batch(steps + i / 32, 32)[i % 32];
            assertEquals(65, row.length);
            assertArrayEquals(Arrays.copyOf(row, 64), texts.get(i), "text " + i);
        }
        // not a row the model trained on: its last step's batch is different
        long[][] lastTrained = stream.batch(steps - 1, 32);
        assertFalse(Arrays.equals(Arrays.copyOf(lastTrained[0], 64), texts.get(0)));

        // a resume rebuilds the list: the same texts from a second reading
        List<long[]> again = TrainingStreamTexts.of(TOY).texts(70);
        for (int i = 0; i < 70; i++) {
            assertArrayEquals(texts.get(i), again.get(i), "text " + i + " on a second build");
        }
        assertTrue(texts.stream().anyMatch(t -> t[0] != Vocabulary.BOS_ID), "some rows start mid-document, as in training");
    }

    @Test
    void aModelWithoutACardOrWithAnotherWorldIsOneErrorNamingTheFix() throws Exception {
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        var none = assertThrows(IllegalArgumentException.class, () -> TrainingStreamTexts.of(bare));
        assertEquals(1, none.getMessage().lines().count(), none.getMessage());
        assertTrue(none.getMessage().startsWith(bare + " has no model_card.json"), none.getMessage());
        assertTrue(none.getMessage().endsWith("use \"texts\": \"corpus\" for this model"), none.getMessage());

        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.copy(TOY.resolve("model_card.json"), other.resolve("model_card.json"));
        Files.writeString(other.resolve("world.json"), Files.readString(TOY.resolve("world.json")).replaceFirst("\"seed\" : \\d+",
                "\"seed\" : 1"));
        assertFalse(Files.readString(other.resolve("world.json")).equals(Files.readString(TOY.resolve("world.json"))));
        var differs = assertThrows(IllegalArgumentException.class, () -> TrainingStreamTexts.of(other));
        assertEquals(1, differs.getMessage().lines().count(), differs.getMessage());
        assertTrue(differs.getMessage().startsWith(other.resolve("world.json") + " is not the world"), differs.getMessage());
    }
}
