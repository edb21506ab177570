/**
 * Run directories and their status file, the contract between the run orchestrator and batteries.
 *
 * <pre>{@code
 * RunConfig config = loader.load(file, overrides);
 * Path dir = RunDirectories.create(config.output().root(), config.name(), config.shortHash(), Clock.systemDefaultZone());
 * config.writeTo(dir.resolve("config.json"));                  // the resolved config
 * RunStatusFile status = RunStatusFile.start(dir, config.hash(), config.name());   // RUNNING
 * try { ... run ...; status.finished(); }
 * catch (Exception e) { status.failed(e); throw e; }
 * // on Ctrl+C (shutdown hook): status.killed()  -- a no-op if the run already ended
 * }</pre>
 *
 * <p>{@code status.json} is {@code {"status": "RUNNING|FINISHED|FAILED|KILLED", "config_hash",
 * "name", "started_at", "updated_at", "ended_at", "error", "pid", "host"}}, written atomically
 * ({@link lab.io.AtomicFiles}). {@link lab.harness.rundir.FinishedRuns} finds a FINISHED run of a
 * given config hash for {@code --skip-existing}.
 */
package lab.harness.rundir;
