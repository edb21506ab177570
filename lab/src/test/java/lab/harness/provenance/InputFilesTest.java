package lab.harness.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    @TempDir
    Path base;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aFolderIsRecordedFileByFileRelativeToTheRootAndChangesAreNamed() throws Exception {
        Path sae = Files.createDirectories(base.resolve("saes/s1"));
        Files.writeString(sae.resolve("cfg.json"), "{\"k\": 4}");
        Files.write(sae.resolve("sae_weights.safetensors"), new byte[] {1, 2, 3});
        Path reference = Files.writeString(base.resolve("ref.jsonl"), "{}\n");
        Path run = Files.createDirectories(base.resolve("runs/r"));
        Files.writeString(run.resolve(Provenance.FILE_NAME), "{\"config_sha256\": \"abc\"}\n");

        // the folder's files sorted, then the file; the file named twice is recorded once
        InputFiles.record(run, base, List.of(sae, reference, reference));
        JsonNode tree = new ObjectMapper().readTree(run.resolve(Provenance.FILE_NAME).toFile());
        assertEquals("abc", tree.get("config_sha256").asText(), "the rest of provenance.json is kept");
        JsonNode files = tree.get("input_files");
        assertEquals(3, files.size(), files.toString());
        assertEquals("saes/s1/cfg.json", files.get(0).get("path").asText());
        assertEquals("saes/s1/sae_weights.safetensors", files.get(1).get("path").asText());
        assertEquals(sha256(new byte[] {1, 2, 3}), files.get(1).get("sha256").asText());
        assertEquals(3, files.get(1).get("bytes").asLong());
        assertEquals("ref.jsonl", files.get(2).get("path").asText());
        assertEquals(List.of(), InputFiles.changed(tree, base));

        assertEquals("saes/s1", tree.get("input_folders").get(0).get("path").asText());

        Files.write(sae.resolve("sae_weights.safetensors"), new byte[] {1, 2, 4});
        Files.delete(reference);
        Files.writeString(sae.resolve("extra.json"), "{}");
        assertEquals(List.of("saes/s1/sae_weights.safetensors (changed)", "ref.jsonl (removed)", "saes/s1/extra.json (new)"),
                InputFiles.changed(tree, base));
    }

    @Test
    void noInputsLeaveProvenanceUntouched() throws Exception {
        Path run = Files.createDirectories(base.resolve("r"));
        Files.writeString(run.resolve(Provenance.FILE_NAME), "{\"config_sha256\": \"abc\"}\n");
        InputFiles.record(run, base, List.of());
        assertFalse(Files.readString(run.resolve(Provenance.FILE_NAME)).contains("input_files"));
    }
}
