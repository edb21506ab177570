package lab.training;

import com.fasterxml.jackson.core.JsonProcessingException;

/** world.json: the toy world as plain JSON, beside the model it trained. */
public final class WorldJson {

    private WorldJson() {
    }

    public static String write(ToyWorld world) {
        try {
            return TrainConfig.JSON.writeValueAsString(world.describe()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
