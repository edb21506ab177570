package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data corpora}, {@code data split} and {@code data audit} as a user runs them: the shipped
 * corpora and IOI split are what these commands make (same seeds), and an overlapping split is
 * reported with exit 1.
 */
class DataCommandsCliTest {

    private static final Path SHIPPED = Path.of("../data");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void corporaAndSplitReproduceTheShippedOnesAndAuditFindsThemClean() throws Exception {
        Path corpora = tmp.resolve("corpora");
        CliTest.Outcome made = CliTest.harness("data", "corpora", "--config", "configs/train_toy.json", "--out", corpora.toString());
        assertEquals(0, made.code(), made.err());
        for (String name : List.of("facts_v1.jsonl", "ioi_v1.jsonl", "induction_v1.jsonl")) {
            assertEquals(Files.readString(SHIPPED.resolve("corpora").resolve(name)), Files.readString(corpora.resolve(name)),
                    name + " differs from the shipped corpus");
            assertTrue(made.out().contains("wrote " + corpora.resolve(name)), made.out());
        }
        Path split = tmp.resolve("ioi.split.json");
        CliTest.Outcome splitOut = CliTest.harness("data", "split", corpora.resolve("ioi_v1.jsonl").toString(), "--out", split.toString());
        assertEquals(0, splitOut.code(), splitOut.err());
        assertEquals(JSON.readTree(SHIPPED.resolve("splits/ioi_v1.split.json").toFile()), JSON.readTree(split.toFile()));

        CliTest.Outcome audit = CliTest.harness("data", "audit", corpora.resolve("ioi_v1.jsonl").toString(), "--split", split.toString(), "--json");
        assertEquals(0, audit.code(), audit.err() + audit.out());
        JsonNode report = JSON.readTree(audit.out()).elements().next();
        assertTrue(report.get("hash_matches").asBoolean());
        assertEquals(0, report.get("overlap").asInt());
        assertEquals(0, report.get("unassigned").size());
    }

    @Test
    void auditReportsAGroupInTwoSubsetsAndAnEditedCorpusWithExitOne() throws Exception {
        Path corpus = tmp.resolve("ioi_v1.jsonl");
        Files.copy(SHIPPED.resolve("corpora/ioi_v1.jsonl"), corpus);
        ObjectNode split = (ObjectNode) JSON.readTree(SHIPPED.resolve("splits/ioi_v1.split.json").toFile());
        String leaked = split.at("/subsets/test/groups/0").asText();
        ((ArrayNode) split.at("/subsets/train/groups")).add(leaked);
        Path file = tmp.resolve("leaky.split.json");
        JSON.writeValue(file.toFile(), split);
        CliTest.Outcome audit = CliTest.harness("data", "audit", corpus.toString(), "--split", file.toString(), "--json");
        assertEquals(1, audit.code(), audit.err() + audit.out());
        JsonNode report = JSON.readTree(audit.out()).elements().next();
        assertTrue(report.get("group_overlap").toString().contains(leaked), report.toString());
        assertTrue(report.get("overlap").asInt() > 0, report.toString());

        // a corpus edited after its split no longer matches the split's hash
        Path clean = SHIPPED.resolve("splits/ioi_v1.split.json");
        Files.writeString(corpus, Files.readString(corpus).replaceFirst("gave", "handed"));
        CliTest.Outcome edited = CliTest.harness("data", "audit", corpus.toString(), "--split", clean.toString());
        assertTrue(edited.out().contains("DIFFERS"), edited.out());

        CliTest.Outcome twoWithOneSplit = CliTest.harness("data", "audit", corpus.toString(), corpus.toString(), "--split", clean.toString());
        assertEquals(2, twoWithOneSplit.code());
        assertTrue(twoWithOneSplit.err().contains("--split names one split file"), twoWithOneSplit.err());
    }
}
