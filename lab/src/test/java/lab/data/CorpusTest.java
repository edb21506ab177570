package lab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpus loading errors, splits by group, the audit and the hash check. */
class CorpusTest {

    @TempDir
    Path dir;

    private static List<CorpusItem> items(int groups, int perGroup) {
        List<CorpusItem> items = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < perGroup; i++) {
                items.add(new CorpusItem("item-" + g + "-" + i, "clean " + g + " " + i, "corrupt " + g + " " + i,
                        " yes", " no", "group-" + g));
            }
        }
        return items;
    }

    private Path corpus(String name, List<CorpusItem> items) throws IOException {
        Path file = dir.resolve("corpora").resolve(name);
        Corpus.write(file, items);
        return file;
    }

    @Test
    void roundTripsItems() throws IOException {
        List<CorpusItem> items = items(5, 2);
        assertEquals(items, Corpus.read(corpus("a.jsonl", items)));
    }

    @Test
    void malformedLinesNameFileLineAndFix() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        String good = "{\"id\":\"a\",\"clean\":\"c\",\"corrupt\":\"d\",\"target\":\" x\",\"foil\":\" y\",\"group\":\"g\"}";
        Files.writeString(file, good + "\n{not json\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(file));
        assertTrue(e.getMessage().contains("bad.jsonl line 2 is not valid JSON"), e.getMessage());

        Files.writeString(file, good + "\n\n" + good.replace(",\"group\":\"g\"", "").replace("\"a\"", "\"b\"") + "\n");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(file));
        assertTrue(e.getMessage().contains("line 3 has no \"group\""), e.getMessage());

        Files.writeString(file, good.replace("\"c\"", "3") + "\n");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(file));
        assertTrue(e.getMessage().contains("line 1: \"clean\" must be a string, found 3"), e.getMessage());

        Files.writeString(file, good + "\n" + good + "\n");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(file));
        assertTrue(e.getMessage().contains("line 2: id 'a' appears twice"), e.getMessage());

        Files.writeString(file, "[1, 2]\n");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(file));
        assertTrue(e.getMessage().contains("line 1 is not a JSON object"), e.getMessage());
    }

    @Test
    void splitKeepsGroupsWholeAndAuditFindsNoOverlap() throws IOException {
        List<CorpusItem> items = items(20, 3);
        Path file = corpus("c.jsonl", items);
        SplitFile split = Splitter.split(file, 3);
        assertEquals(12, split.groups("train").size());
        assertEquals(4, split.groups("val").size());
        assertEquals(4, split.groups("test").size());
        Set<String> seen = new HashSet<>();
        for (String subset : SplitFile.SUBSETS) {
            for (String g : split.groups(subset)) {
                assertTrue(seen.add(g), "group " + g + " in two subsets");
            }
        }
        assertEquals(20, seen.size());
        Path splitFile = Corpus.defaultSplitPath(file);
        assertEquals(dir.resolve("splits").resolve("c.split.json"), splitFile);
        split.write(splitFile, items);
        assertEquals(split, SplitFile.read(splitFile));
        assertEquals(split, Splitter.split(file, 3), "same seed, same split");

        SplitAudit audit = SplitAudit.of(file, splitFile);
        assertEquals(0, audit.overlap());
        assertTrue(audit.clean());
        assertEquals(36, audit.items().get("train"));

        List<CorpusItem> test = Corpus.load(file, splitFile, "test");
        assertEquals(12, test.size());
        assertTrue(test.stream().allMatch(it -> split.groups("test").contains(it.group())));
    }

    @Test
    void auditReportsAGroupInTwoSubsets() throws IOException {
        List<CorpusItem> items = items(6, 1);
        Path file = corpus("d.jsonl", items);
        SplitFile leaky = new SplitFile("d.jsonl", Corpus.sha256(file), 0, java.util.Map.of(
                "train", List.of("group-0", "group-1", "group-2", "group-3"), "val", List.of("group-3", "group-4"),
                "test", List.of("group-5")));
        Path splitFile = dir.resolve("d.split.json");
        leaky.write(splitFile, items);
        SplitAudit audit = SplitAudit.of(file, splitFile);
        assertEquals(List.of("group-3"), audit.groupOverlap());
        assertEquals(List.of("item-3-0"), audit.idOverlap());
        assertTrue(audit.overlap() > 0);
    }

    @Test
    void changedCorpusIsRefusedWithTheResplitCommand() throws IOException {
        List<CorpusItem> items = items(5, 1);
        Path file = corpus("e.jsonl", items);
        Path splitFile = Corpus.defaultSplitPath(file);
        Splitter.split(file, 0).write(splitFile, items);
        List<CorpusItem> changed = new ArrayList<>(items);
        changed.set(0, new CorpusItem("item-0-0", "edited", "corrupt", " yes", " no", "group-0"));
        Corpus.write(file, changed);
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.load(file, splitFile, "train"));
        assertTrue(e.getMessage().contains("does not match split file"), e.getMessage());
        assertTrue(e.getMessage().contains("harness data split " + file), e.getMessage());
        assertTrue(!SplitAudit.of(file, splitFile).hashMatches());
    }

    @Test
    void anOptionalSubjectRoundTripsAndMustOccurInClean() throws IOException {
        List<CorpusItem> items = List.of(
                new CorpusItem("a", "The capital of Veldor is", "The capital of Numar is", " X", " Y", "Veldor", "Veldor"),
                new CorpusItem("b", "clean", "corrupt", " yes", " no", "g"));
        Path file = corpus("subjects.jsonl", items);
        assertEquals(items, Corpus.read(file));
        assertTrue(!Files.readString(file).lines().skip(1).findFirst().orElseThrow().contains("subject"),
                "an item without a subject is written without the key");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"a\",\"clean\":\"In Fyland people speak\",\"corrupt\":\"In Numar people speak\","
                + "\"target\":\" X\",\"foil\":\" Y\",\"group\":\"g\",\"subject\":\"Veldor\"}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(bad));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("subject \"Veldor\" does not occur"), e.getMessage());
    }
}
