package lab.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import lab.experiments.Experiments;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.provenance.GitInfo;
import lab.harness.provenance.ProvenanceCheck;
import lab.harness.provenance.ResumeRecord;
import lab.harness.results.ParquetResultsReader;
import lab.harness.results.ParquetResultsWriter;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsSchema;
import lab.harness.results.ResultsTable;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatus;
import lab.harness.rundir.RunStatusFile;

/**
 * What {@code harness run --resume RUN_DIR} continues from, all checked before anything is
 * written: the run is KILLED, STALE or FAILED; its config.json loads; its config, corpus, split
 * and weights are those provenance.json recorded; and results.parquet holds the rows of the seeds
 * its status.json records as done (rows past them, from a Ctrl+C in mid-seed, are dropped and
 * recomputed).
 */
final class ResumePlan {

    private final RunLiveness.Observed observed;
    private final RunConfig config;
    private final List<ResultRow> keptRows;
    private final int seedsDone;

    private ResumePlan(RunLiveness.Observed observed, RunConfig config, List<ResultRow> keptRows, int seedsDone) {
        this.observed = observed;
        this.config = config;
        this.keptRows = keptRows;
        this.seedsDone = seedsDone;
    }

    static ResumePlan check(Path dir, RunConfigLoader loader, RunLiveness liveness) throws IOException {
        RunLiveness.Observed observed = liveness.observe(dir).orElseThrow(() -> new IllegalArgumentException(dir
                + " has no readable status.json: give a run directory the harness wrote (runs/<name>_<time>_<hash>)"));
        RunState state = observed.status().status();
        if (state == RunState.FINISHED) {
            throw new IllegalArgumentException(dir + " is FINISHED: there is nothing to resume");
        }
        if (state == RunState.RUNNING && !observed.stale()) {
            throw new IllegalArgumentException(dir + " is RUNNING (process " + observed.status().pid() + " on "
                    + observed.status().host() + " is alive): stop it first, or wait for it");
        }
        RunConfig config = loader.load(dir.resolve("config.json"), List.of());
        ProvenanceCheck.requireUnchanged(config, dir);
        if (SaeTrainingRunner.TYPE.equals(config.experiment().type())) {
            // no results table: a training run continues from its training state (SaeTrainingRunner#resume)
            return new ResumePlan(observed, config, List.of(), 0);
        }
        ResultsSchema schema = ResultsSchemas.forExperiment(
                Experiments.create(config.experiment().type(), config.experiment().params()), config.metrics());
        RunStatus status = observed.status();
        int rows = status.rowsFlushed() == null ? 0 : status.rowsFlushed();
        int seeds = status.seedsDone() == null ? 0 : status.seedsDone();
        return new ResumePlan(observed, config, keptRows(dir, schema, config.seeds(), rows, seeds), rows == 0 ? 0 : seeds);
    }

    private static List<ResultRow> keptRows(Path dir, ResultsSchema schema, List<Long> seeds, int rows, int seedsDone)
            throws IOException {
        Path file = dir.resolve(ParquetResultsWriter.FILE_NAME);
        if (rows == 0) {
            return List.of();
        }
        String restart = "; start the run again with scripts/harness run " + dir.resolve("config.json");
        if (!Files.isRegularFile(file) || seedsDone > seeds.size()) {
            throw new IllegalArgumentException(dir + ": status.json records " + seedsDone + " seeds (" + rows
                    + " rows) done but " + (Files.isRegularFile(file) ? "the config has " + seeds.size() + " seeds"
                    : file.getFileName() + " is missing") + restart);
        }
        ResultsTable table = ParquetResultsReader.read(file);
        if (!table.schema().equals(schema)) {
            throw new IllegalArgumentException(file + " has columns " + table.schema().names() + " but the config's experiment"
                    + " writes " + schema.names() + restart);
        }
        if (table.rowCount() < rows) {
            throw new IllegalArgumentException(file + " has " + table.rowCount() + " rows but status.json records " + rows
                    + " rows of finished seeds" + restart);
        }
        List<ResultRow> kept = table.rows().subList(0, rows);
        Set<Integer> found = new LinkedHashSet<>();
        kept.forEach(r -> found.add(r.seed()));
        Set<Integer> expected = new LinkedHashSet<>();
        seeds.subList(0, seedsDone).forEach(s -> expected.add((int) (long) s));
        if (!found.equals(expected)) {
            throw new IllegalArgumentException(file + ": its first " + rows + " rows are of seeds " + found
                    + ", not of the seeds status.json records as done " + expected + restart);
        }
        return List.copyOf(kept);
    }

    RunConfig config() {
        return config;
    }

    List<ResultRow> keptRows() {
        return keptRows;
    }

    int seedsDone() {
        return seedsDone;
    }

    /**
     * Marks a STALE run KILLED (status.json and MLflow), then RUNNING again by this process, and
     * appends the resume to provenance.json.
     */
    RunStatusFile begin(Clock clock, RunLog log) throws IOException {
        return begin(clock, log, keptRows.size(), seedsDone);
    }

    /** As {@link #begin(Clock, RunLog)}, recording what the run kept in its own terms (an sae_train run: step rows). */
    RunStatusFile begin(Clock clock, RunLog log, int fromRows, int fromSeeds) throws IOException {
        if (observed.stale()) {
            log.info("%s was STALE (%s): %s", observed.dir(), observed.staleReason(), StaleRuns.markKilled(observed, clock));
        }
        RunStatusFile status = RunStatusFile.resume(observed.dir(), clock);
        new ResumeRecord(clock.instant().toString(), observed.state(), fromRows, fromSeeds, RunStatusFile.hostName(),
                GitInfo.of(config.baseDir())).appendTo(observed.dir());
        return status;
    }
}
