package lab.harness.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {

    // printf 'tiny ablation lab\n' | sha256sum
    static final String LAB_LINE_SHA256 = "5449fd9b3beadb30816308fc9fe760b27c35e9d42e3e39c44f3cd834b11b208a";

    @TempDir
    Path root;

    @Test
    void digestsOfKnownContent() throws IOException {
        Path small = root.resolve("line.txt");
        Files.writeString(small, "tiny ablation lab\n");
        FileDigest digest = FileDigest.of(small, "line.txt");
        assertEquals(new FileDigest("line.txt", 18, LAB_LINE_SHA256), digest);

        Path empty = Files.createFile(root.resolve("empty"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", FileDigest.of(empty).sha256());

        // larger than the 1 MiB read buffer: 3,000,000 'a'
        Path big = root.resolve("big.bin");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] chunk = "a".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3000; i++) {
                out.write(chunk);
            }
        }
        FileDigest bigDigest = FileDigest.of(big);
        assertEquals(3_000_000, bigDigest.bytes());
        assertEquals(BIG_SHA256, bigDigest.sha256());
    }

    // head -c 3000000 /dev/zero | tr '\0' 'a' | sha256sum
    static final String BIG_SHA256 = "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4";

    @Test
    void gitFieldsOfThisCheckout() {
        GitInfo git = GitInfo.of(Path.of("").toAbsolutePath());
        assertTrue(git.available(), String.valueOf(git.note()));
        assertTrue(git.commit().matches("[0-9a-f]{40}"), git.commit());
        assertNotNull(git.dirty());
    }

    @Test
    void outsideACheckoutTheRecordSaysSo() {
        GitInfo git = GitInfo.of(root);
        assertFalse(git.available());
        assertNull(git.commit());
        assertTrue(git.note().startsWith("not a git checkout (" + root.toAbsolutePath().normalize() + ")"), git.note());
    }

    @Test
    void classpathDependenciesHaveVersions() {
        List<Dependency> deps = Dependency.ofRuntimeClasspath();
        Dependency jackson = deps.stream().filter(d -> "jackson-databind".equals(d.artifact())).findFirst().orElseThrow();
        assertEquals("com.fasterxml.jackson.core", jackson.group());
        assertEquals("2.18.2", jackson.version());
        Dependency oshi = deps.stream().filter(d -> "oshi-core".equals(d.artifact())).findFirst().orElseThrow();
        assertEquals("6.8.2", oshi.version());
        assertEquals(new Dependency(null, "foo-bar", "1.2.3-SNAPSHOT", "foo-bar-1.2.3-SNAPSHOT.jar"),
                Dependency.describe(root.resolve("foo-bar-1.2.3-SNAPSHOT.jar")));
    }

    @Test
    void collectsAndWritesProvenanceJson() throws IOException {
        Files.createDirectories(root.resolve("model/sub"));
        Files.writeString(root.resolve("model/config.json"), "{}");
        Files.writeString(root.resolve("model/sub/model.safetensors"), "tiny ablation lab\n");
        Files.writeString(root.resolve("corpus.jsonl"), "tiny ablation lab\n");
        Files.writeString(root.resolve("run.json"), """
                {"name": "p", "model": {"path": "model"}, "data": {"corpus": "corpus.jsonl"},
                 "experiment": {"type": "heads_zero", "scales": [0]}, "metrics": ["kl"], "seeds": [0]}
                """);
        RunConfig config = new RunConfigLoader(root).load(root.resolve("run.json"),
                List.of("name=it's mine", "seeds=[1,2]"));
        Path runDir = Files.createDirectories(root.resolve("runs/p_1"));
        HostInfo host = new HostInfo("cpu", "h", "Linux", "amd64", "CPU", 1, 2, 1024, List.of());
        SoftwareInfo software = new SoftwareInfo("17", "vendor", "vm", "0.32.0", "PyTorch", "2.5.1", "oneDNN for large CPU float32 products, -Dlab.onednn=auto", List.of());
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        Provenance p = Provenance.collect(config, runDir, host, software, clock);

        assertEquals(config.hash(), p.configSha256());
        assertEquals(new FileDigest("corpus.jsonl", 18, LAB_LINE_SHA256), p.corpus());
        assertNull(p.split());
        assertEquals(List.of("config.json", "sub/model.safetensors"), p.modelFiles().stream().map(FileDigest::path).toList());
        assertEquals(LAB_LINE_SHA256, p.modelFiles().get(1).sha256());
        assertEquals("scripts/harness run " + root.resolve("run.json") + " 'name=it'\\''s mine' 'seeds=[1,2]'", p.command());
        assertEquals("scripts/harness run runs/p_1/config.json", p.rerun());
        assertFalse(p.git().available());

        Path file = p.writeTo(runDir);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(config.hash(), json.get("config_sha256").asText());
        assertEquals(LAB_LINE_SHA256, json.get("corpus").get("sha256").asText());
        assertEquals("2025-01-02T03:04:05Z", json.get("created_at").asText());
        assertEquals("2.5.1", json.get("software").get("engine_version").asText());
        assertEquals("oneDNN for large CPU float32 products, -Dlab.onednn=auto", json.get("software").get("linear_layers").asText());
        assertEquals(1024, json.get("host").get("total_memory_bytes").asLong());
        assertFalse(json.has("split"));
    }

    @Test
    void detectsTheRealMachineAndEngine() {
        HostInfo host = HostInfo.detect("cpu");
        assertTrue(host.logicalCores() >= 1 && host.physicalCores() >= 1);
        assertTrue(host.totalMemoryBytes() > 100L * 1024 * 1024, String.valueOf(host.totalMemoryBytes()));
        assertFalse(host.cpuModel().isBlank());
        assertEquals(List.of(), host.gpus());
        SoftwareInfo software = SoftwareInfo.detect();
        assertEquals("0.32.0", software.djlVersion());
        assertEquals("2.5.1", software.engineVersion());
        assertEquals(System.getProperty("java.version"), software.javaVersion());
        assertTrue(software.dependencies().size() > 20);
    }
}
