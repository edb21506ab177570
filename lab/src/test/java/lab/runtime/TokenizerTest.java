package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The real GPT-2 tokenizer against HF tokenizers' reference ids; BOS and single-token checks. */
class TokenizerTest {

    @Test
    void gpt2TokenizerReproducesEveryReferenceIdList() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir("gpt2-tokenizer").resolve("reference.json").toFile());
        try (ModelTokenizer tok = ModelTokenizer.load(Fixtures.dir("gpt2-tokenizer").resolve("tokenizer.json"), 50256, 50257)) {
            assertTrue(ref.size() >= 10);
            for (JsonNode row : ref) {
                String text = row.get("text").asText();
                assertArrayEquals(Fixtures.ids(row.get("ids")), tok.encode(text), "ids of " + text);
                String[] tokens = new ObjectMapper().convertValue(row.get("tokens"), String[].class);
                assertArrayEquals(tokens, tok.tokens(text), "tokens of " + text);
            }
        }
    }

    @Test
    void longTextIsNotTruncatedAt512Tokens() {
        try (ModelTokenizer tok = ModelTokenizer.load(Fixtures.dir("gpt2-tokenizer").resolve("tokenizer.json"), 50256, 50257)) {
            String text = " the".repeat(1500);
            assertEquals(1500, tok.encode(text).length);
            assertEquals(text, tok.decode(tok.encode(text)));
        }
    }

    @Test
    void prependBosUsesTheConfigIdOrFallsBackToEndOfText() {
        try (ModelTokenizer tok = ModelTokenizer.load(Fixtures.dir("gpt2-tokenizer").resolve("tokenizer.json"), 50256, 50257)) {
            assertArrayEquals(new long[] {50256, 15496, 995}, tok.encode("Hello world", true));
        }
        // the tiny fixtures keep GPT-2's bos_token_id 50256 with a 384-token vocabulary
        try (HookedTransformer m = Fixtures.load("gpt2-tiny")) {
            assertEquals(0, m.tokenizer().bosId());
            assertEquals("<|endoftext|>", m.tokenizer().decode(new long[] {m.tokenizer().bosId()}));
        }
    }

    @Test
    void singleTokenCheckNamesTheTextAndItsTokens() {
        try (ModelTokenizer tok = ModelTokenizer.load(Fixtures.dir("gpt2-tokenizer").resolve("tokenizer.json"), 50256, 50257)) {
            assertEquals(5335, tok.singleToken(" Mary", "target"));
            var e = assertThrows(ModelTokenizer.NotSingleTokenException.class, () -> tok.singleToken(" Eiffel", "foil"));
            assertTrue(e.getMessage().contains("foil ' Eiffel' is 3 tokens"), e.getMessage());
            assertTrue(e.getMessage().contains("ĠE"), e.getMessage());
        }
    }

    @Test
    void missingTokenizerFileIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelTokenizer.load(Fixtures.dir("gpt2-tiny").resolve("nope.json"), -1, 384));
        assertTrue(e.getMessage().contains("no tokenizer at"), e.getMessage());
    }
}
