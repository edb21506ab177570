package lab.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import lab.experiments.PreparedExample;
import lab.training.TrainingStreamTexts;

/**
 * What an sae_train run trains on ({@code experiment.texts}): {@code corpus} (the default), the
 * clean prompts of {@code data.corpus}; or {@code training_stream}, {@code stream_rows} rows of the
 * toy model's own training stream after its last training step ({@link TrainingStreamTexts}). The
 * end-of-run evaluation reads {@code data.corpus} either way. Built before the run directory
 * exists, so a model that cannot give a stream is refused with nothing written; the texts are a
 * pure function of the config and the model directory, so a resume rebuilds the same list.
 *
 * @param stream the model's training stream; null for {@code corpus}
 */
record SaeTextSource(String name, int rows, TrainingStreamTexts stream) {

    static final String CORPUS = "corpus";
    static final String TRAINING_STREAM = "training_stream";

    /**
     * 1024 rows: on the toy model 65,536 tokens (64,512 activations with position 0 left out), so
     * that one epoch is about the 57,088 activations the shipped corpus config trains on over all
     * its 80 epochs (the same budget, fresh rows instead of repeats), and 16 fills of its buffer.
     */
    static final int DEFAULT_STREAM_ROWS = 1024;

    static SaeTextSource fromParams(JsonNode params, Path modelDir) {
        String name = params.path("texts").asText(CORPUS);
        if (name.equals(CORPUS)) {
            if (params.has("stream_rows")) {
                throw new IllegalArgumentException("experiment.stream_rows is set but experiment.texts is corpus (the corpus"
                        + " gives the texts); remove stream_rows or set \"texts\": \"training_stream\"");
            }
            return new SaeTextSource(CORPUS, 0, null);
        }
        if (!name.equals(TRAINING_STREAM)) {
            throw new IllegalArgumentException("experiment.texts is '" + name + "'; use corpus or training_stream");
        }
        int rows = params.path("stream_rows").asInt(DEFAULT_STREAM_ROWS);
        if (rows < 1) {
            throw new IllegalArgumentException("experiment.stream_rows must be at least 1, got " + rows);
        }
        return new SaeTextSource(TRAINING_STREAM, rows, TrainingStreamTexts.of(modelDir));
    }

    /** The texts to train on: the examples' clean prompts, or the stream's rows. */
    List<long[]> texts(List<PreparedExample> examples) {
        return stream == null ? examples.stream().map(PreparedExample::clean).toList() : stream.texts(rows);
    }

    /** For sae_training.json: where the training texts came from, and that the evaluation reads the corpus. */
    void describe(ObjectNode out, List<long[]> texts) {
        out.put("source", name);
        out.put("rows", texts.size());
        out.put("tokens", texts.stream().mapToLong(t -> t.length).sum());
        if (stream != null) {
            out.put("first_stream_step", stream.firstStep());
            out.put("stream_batch_size", stream.batchSize());
            out.put("definition", "rows " + stream.batchSize() + " per step of the model's training stream from step "
                    + stream.firstStep() + " on (the model trained on steps 0 to " + (stream.firstStep() - 1) + ": the same"
                    + " distribution, none of its rows), each row's first " + stream.context() + " tokens; the evaluation"
                    + " (fit, splice, answer metrics) reads data.corpus");
        } else {
            out.put("definition", "the clean prompts of data.corpus (split and subset applied); the evaluation reads them too");
        }
    }
}
