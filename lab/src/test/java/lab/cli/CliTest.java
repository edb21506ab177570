package lab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands other work and outside checks rely on, run as a user would. */
class CliTest {

    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {
    }

    static Outcome harness(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = HarnessCommand.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tokenizeReproducesEveryReferenceIdList() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir("gpt2-tokenizer").resolve("reference.json").toFile());
        for (JsonNode row : ref) {
            Outcome o = harness("tokenize", "--model", Fixtures.dir("gpt2-tokenizer").toString(), "--text", row.get("text").asText(), "--json");
            assertEquals(0, o.code(), o.err());
            JsonNode got = new ObjectMapper().readTree(o.out());
            assertEquals(row.get("ids"), got.get("ids"), "ids of " + row.get("text"));
            assertEquals(row.get("tokens"), got.get("tokens"), "tokens of " + row.get("text"));
        }
    }

    @Test
    void modelInfoListsSizesAndHookPoints() throws Exception {
        Outcome o = harness("model", "info", "--model", Fixtures.dir("llama-tiny").toString(), "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode info = new ObjectMapper().readTree(o.out());
        assertEquals("llama", info.get("family").asText());
        assertEquals(2, info.get("n_kv_heads").asInt());
        assertEquals(16, info.get("d_head").asInt());
        // 384*64 embed + 384*64 unembed + 2 layers of (q 64*64, k/v 32*64 each, o 64*64, mlp 3*64*128, 2 norms 64) + final norm
        long perLayer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 64 * 128 + 2 * 64;
        assertEquals(2 * 384 * 64 + 2 * perLayer + 64, info.get("n_params").asLong());
        assertTrue(info.get("hook_points").toString().contains("blocks.1.mlp.hook_pre_linear"));
        assertTrue(info.get("hook_points").toString().contains("blocks.0.attn.hook_rot_q"));
    }

    @Test
    void cacheWritesLogitsAndHookPointsThatMatchHf() throws Exception {
        JsonNode ref = Fixtures.referenceJson("pythia-tiny");
        String ids = ref.get("prompts").get(1).get("ids").toString().replaceAll("[\\[\\] ]", "");
        Path out = tmp.resolve("acts.safetensors");
        Outcome o = harness("cache", "--model", Fixtures.dir("pythia-tiny").toString(), "--device", "cpu", "--ids", ids,
                "--names", "blocks\\.\\d\\.(hook_resid_pre|attn\\.hook_pattern)", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> got = new HashMap<>();
            for (NDArray a : NDList.decode(m, Files.readAllBytes(out))) {
                got.put(a.getName(), a);
            }
            assertEquals(5, got.size(), got.keySet().toString());
            Map<String, NDArray> expected = Fixtures.referenceTensors(m, "pythia-tiny");
            assertArrayEquals(new long[] {1, 11, 384}, got.get("logits").getShape().getShape());
            assertTrue(Fixtures.relativeError(got.get("logits").get(0), expected.get("p1.logits")) < 1e-4);
            assertTrue(Fixtures.relativeError(got.get("blocks.1.hook_resid_pre").get(0), expected.get("p1.hidden_states").get(1)) < 1e-4);
            assertTrue(Fixtures.relativeError(got.get("blocks.0.attn.hook_pattern").get(0), expected.get("p1.attentions").get(0)) < 1e-4);
        }
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Outcome noMatch = harness("cache", "--model", Fixtures.dir("gpt2-tiny").toString(), "--device", "cpu", "--ids", "1,2",
                "--names", "blocks.0.attn.hook_zz", "--out", tmp.resolve("x.safetensors").toString());
        assertEquals(2, noMatch.code());
        assertTrue(noMatch.err().contains("no hook point matches 'blocks.0.attn.hook_zz'"), noMatch.err());
        assertTrue(noMatch.err().contains("blocks.0.attn.hook_z"), noMatch.err());
        assertEquals(1, noMatch.err().strip().lines().count(), noMatch.err());
        Outcome badId = harness("cache", "--model", Fixtures.dir("gpt2-tiny").toString(), "--device", "cpu", "--ids", "1,999",
                "--out", tmp.resolve("y.safetensors").toString());
        assertEquals(2, badId.code());
        assertTrue(badId.err().contains("token id 999") && badId.err().contains("0..383"), badId.err());
        Outcome missing = harness("model", "info", "--model", tmp.resolve("nothing").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertTrue(Files.notExists(tmp.resolve("x.safetensors")) && Files.notExists(tmp.resolve("y.safetensors")));
    }
}
