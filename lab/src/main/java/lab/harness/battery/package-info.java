/**
 * Batteries: a base run config crossed with named variants and an override grid
 * ({@code lab/configs/schema/battery.schema.json}; the expansion rule is on {@link lab.harness.battery.Battery}).
 *
 * <pre>{@code
 * Battery battery = Battery.load(Path.of("h1_battery.json"), RunConfigLoader.inWorkingDirectory());
 * BatteryOptions options = BatteryOptions.all().withFilter("/zero/").withMaxRuns(2).withSkipExisting(true);
 * BatterySummary summary = new BatteryRunner(run -> orchestrator.run(run.config()), System.out::println)
 *         .run(battery, options);                       // or options.withDryRun(true) to list only
 * }</pre>
 *
 * The launcher returns the run's {@link lab.harness.rundir.RunState}: FAILED runs are recorded and
 * the battery goes on; KILLED stops it. {@code --skip-existing} uses
 * {@link lab.harness.rundir.FinishedRuns}.
 *
 * <p>For executors that run tasks in other processes, {@link lab.harness.battery.BatteryDirectory}
 * lays the battery out on disk (manifest, one resolved config per task, task logs and records);
 * {@link lab.harness.battery.BatteryTask} runs one task, {@link lab.harness.battery.BatteryStatus}
 * reconciles the run directories with a {@link lab.harness.battery.SchedulerView}, and
 * {@link lab.harness.battery.BatteryMerge} writes the summary and leaderboard.
 */
package lab.harness.battery;
