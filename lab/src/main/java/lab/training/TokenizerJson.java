package lab.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import lab.io.AtomicFiles;

/**
 * Writes a vocabulary as an HF tokenizers {@code tokenizer.json}: a WordLevel model behind the
 * Whitespace pre-tokenizer (runs of word characters and runs of punctuation become tokens, spaces
 * vanish), no decoder (HF then joins tokens with single spaces), {@code <|endoftext|>} an added
 * special token so it is matched whole. "the park, John" is [the, park, ",", John]; " John" and
 * "John" are the same single token.
 */
public final class TokenizerJson {

    private TokenizerJson() {
    }

    public static void write(Vocabulary vocabulary, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : new String[] {Vocabulary.END_OF_TEXT, Vocabulary.UNKNOWN}) {
            ObjectNode t = added.addObject();
            t.put("id", vocabulary.id(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < vocabulary.size(); i++) {
            vocab.put(vocabulary.word(i), i);
        }
        model.put("unk_token", Vocabulary.UNKNOWN);
        AtomicFiles.writeString(file, json.writeValueAsString(root) + "\n");
    }
}
