package lab.harness.provenance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.io.AtomicFiles;

/**
 * One resume of a run, appended to the {@code resumed} list of its {@code provenance.json}: when,
 * from what state, how many rows (of how many seeds) were kept, and the code that continued it.
 *
 * @param previousState KILLED, STALE or FAILED
 */
public record ResumeRecord(String at, String previousState, int fromRows, int fromSeeds, String host, GitInfo git) {

    /** Appends this record to the run's provenance.json (atomically). */
    public void appendTo(Path runDir) throws IOException {
        Path file = runDir.resolve(Provenance.FILE_NAME);
        ObjectNode tree = (ObjectNode) Provenance.MAPPER.readTree(Files.readString(file));
        ArrayNode resumed = tree.get("resumed") instanceof ArrayNode list ? list : tree.putArray("resumed");
        resumed.add(Provenance.MAPPER.valueToTree(this));
        AtomicFiles.writeString(file, Provenance.MAPPER.writeValueAsString(tree) + "\n");
    }

}
