package lab.harness.battery;

import lab.harness.rundir.RunState;

/**
 * Runs one resolved config to its end; the run orchestrator plugs in here. It creates the run
 * directory, writes {@code config.json} and {@code status.json}, and returns how the run ended:
 * {@code FINISHED}, {@code FAILED} (the battery records it and goes on) or {@code KILLED} (the
 * user interrupted: the battery starts nothing more). An exception counts as {@code FAILED}.
 */
@FunctionalInterface
public interface RunLauncher {

    RunState launch(BatteryRun run) throws Exception;
}
