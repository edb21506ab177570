package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import lab.harness.config.RunConfigLoader;
import lab.harness.results.ParquetResultsReader;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness run --resume} in-process: refused, with one line naming every changed input and
 * nothing written, when the config, corpus or weights changed; refused for a FINISHED run; else
 * the kept rows plus the rest equal the uninterrupted run's. The interruption is set up by writing
 * the status a run killed after its first seed leaves (KillResumeTest kills a real process).
 */
class ResumeTest {

    @TempDir
    Path tmp;

    @Test
    void aChangedInputRefusesTheResumeAndAnUnchangedOneFinishesIt() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        try (Stream<Path> files = Files.list(Fixtures.dir("gpt2-tiny"))) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        Path corpus = tmp.resolve("c.jsonl");
        String lines = "{\"id\": \"a\", \"clean\": \"When Mary and John went to the store, John gave a drink to\", \"corrupt\":"
                + " \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g1\"}\n"
                + "{\"id\": \"b\", \"clean\": \"When John and Mary went to the park, Mary gave a drink to\", \"corrupt\":"
                + " \"When John and Mary went to the park, John gave a drink to\", \"target\": \" John\", \"foil\": \" Mary\", \"group\": \"g2\"}\n";
        Files.writeString(corpus, lines);
        Path config = tmp.resolve("run.json");
        Files.writeString(config, "{\"name\": \"r\", \"model\": {\"path\": \"" + model + "\", \"device\": \"cpu\", \"prepend_bos\": false},"
                + " \"data\": {\"corpus\": \"" + corpus + "\", \"n_examples\": 1}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0]},"
                + " \"metrics\": [\"kl\"], \"seeds\": [0, 1, 2, 3], \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": false}}");
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        Path dir = runner.run(new RunConfigLoader(tmp).load(config, List.of())).directory();
        var finished = ParquetResultsReader.read(dir.resolve("results.parquet")).rows();
        var e = assertThrows(IllegalArgumentException.class, () -> runner.resume(dir));
        assertTrue(e.getMessage().endsWith("is FINISHED: there is nothing to resume"), e.getMessage());

        // as a run killed after its first seed leaves it: 8 rows of seed 0 checkpointed (and a partial seed flushed by Ctrl+C)
        ObjectNode status = (ObjectNode) new ObjectMapper().readTree(dir.resolve("status.json").toFile());
        status.put("status", "KILLED").put("seeds_done", 1).put("rows_flushed", 8);
        Files.writeString(dir.resolve("status.json"), status.toString());
        Files.writeString(corpus, lines.replace("store", "shop"));
        Files.writeString(model.resolve("notes.txt"), "a new file in the model directory");
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"r\"", "\"renamed\""));
        byte[] statusBefore = Files.readAllBytes(dir.resolve("status.json"));
        byte[] provenanceBefore = Files.readAllBytes(dir.resolve("provenance.json"));
        e = assertThrows(IllegalArgumentException.class, () -> runner.resume(dir));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot resume " + dir + ": the config (" + dir.resolve("config.json") + " was edited);"
                + " the corpus " + corpus + " (SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains("; the weights in " + model + ": notes.txt (new) since the run started"), e.getMessage());
        assertArrayEquals(statusBefore, Files.readAllBytes(dir.resolve("status.json")), "a refused resume writes nothing");
        assertArrayEquals(provenanceBefore, Files.readAllBytes(dir.resolve("provenance.json")));

        Files.writeString(corpus, lines);
        Files.delete(model.resolve("notes.txt"));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"renamed\"", "\"r\""));
        ExperimentRunner.Outcome resumed = runner.resume(dir);
        assertEquals(dir, resumed.directory());
        assertEquals(finished, ParquetResultsReader.read(dir.resolve("results.parquet")).rows());
        var after = RunStatusFile.read(dir).orElseThrow();
        assertEquals(4, after.seedsDone());
        assertEquals(finished.size(), after.rowsFlushed());
        var provenance = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertEquals(8, provenance.get("resumed").get(0).get("from_rows").asInt());
        assertEquals(1, provenance.get("resumed").get(0).get("from_seeds").asInt());
    }

    @Test
    void aReferenceCorpusIsRecordedAsAnInputAndItsChangeRefusesTheResume() throws Exception {
        String item = "{\"id\": \"%s\", \"clean\": \"When Mary and John went to the %s, John gave a drink to\", \"corrupt\":"
                + " \"When Mary and John went to the %s, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g\"}\n";
        Path corpus = Files.writeString(tmp.resolve("c.jsonl"), String.format(item, "a", "store", "store"));
        Path reference = Files.writeString(tmp.resolve("ref.jsonl"), String.format(item, "r", "house", "house"));
        Path config = tmp.resolve("run.json");
        Files.writeString(config, "{\"name\": \"m\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + corpus + "\"},"
                + " \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 1]], \"ablation\": \"mean\", \"reference\": \"" + reference + "\", \"mean_over\": \"positions\"},"
                + " \"metrics\": [\"kl\"], \"seeds\": [0, 1], \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": false}}");
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        Path dir = runner.run(RunConfigLoader.inWorkingDirectory().load(config, List.of())).directory();
        var inputs = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).get("input_files");
        assertEquals(1, inputs.size(), String.valueOf(inputs));
        // recorded by the path the run read it from (outside the project root: absolute), as a resume will read it
        assertEquals(reference.toString(), inputs.get(0).get("path").asText());

        ObjectNode status = (ObjectNode) new ObjectMapper().readTree(dir.resolve("status.json").toFile());
        status.put("status", "KILLED").put("seeds_done", 1).put("rows_flushed", 1);
        Files.writeString(dir.resolve("status.json"), status.toString());
        Files.writeString(reference, String.format(item, "r", "garden", "garden"));
        var e = assertThrows(IllegalArgumentException.class, () -> runner.resume(dir));
        assertTrue(e.getMessage().contains("the experiment's input files: " + reference + " (changed) since the run started"), e.getMessage());
    }
}
