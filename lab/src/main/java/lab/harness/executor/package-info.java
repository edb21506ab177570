/**
 * Executors that run a battery directory's tasks outside this process: {@link lab.harness.executor.LocalExecutor}
 * (child JVMs, N at once) and {@link lab.harness.executor.SlurmSubmitter} (one Slurm job array plus an
 * {@code afterany} merge job), with {@link lab.harness.executor.SlurmQueue} reading Slurm's view back
 * ({@code scontrol}, {@code sacct}) for {@link lab.harness.battery.BatteryStatus}.
 *
 * <pre>{@code
 * BatteryDirectory dir = BatteryDirectory.create(root, battery, BatteryRunner.plan(battery, options), workDir, clock);
 * new SlurmSubmitter(new TaskCommand("lab.cli.HarnessCommand"), slurmOptions, clock)
 *         .submit(dir, dir.manifest().toRun(), List.of(), workDir);
 * BatteryStatus status = BatteryStatus.read(dir, new SlurmQueue());
 * }</pre>
 */
package lab.harness.executor;
