package lab.harness.provenance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One resume of a run, appended to the {@code resumed} list of its {@code provenance.json}: when,
 * from what state, how many rows (of how many seeds) were kept, and the code that continued it.
 *
 * @param previousState KILLED, STALE or FAILED
 */
public record ResumeRecord(String at, String previousState, int fromRows, int fromSeeds, String host, GitInfo git) {

    /** Appends this record to the run's provenance.json (atomically). */
    public void appendTo(Path runDir) throws IOException {
        Provenance.update(runDir, tree -> {
            ArrayNode resumed = tree.get("resumed") instanceof ArrayNode list ? list : tree.putArray("resumed");
            resumed.add(Provenance.MAPPER.valueToTree(this));
        });
    }

}
