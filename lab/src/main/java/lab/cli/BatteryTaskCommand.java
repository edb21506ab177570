package lab.cli;

import java.nio.file.Path;
import java.time.Clock;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness battery task DIR [--index I]}: one run of a battery directory, as {@code harness run} runs it. */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "Run task I of a battery directory (its configs/I.json) through the same code path as `harness run`;"
                + " writes tasks/I.started.json and tasks/I.exit.json. Exit 0 FINISHED, 1 FAILED, 130 KILLED.")
final class BatteryTaskCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Battery directory (holds manifest.json).")
    Path dir;

    @Option(names = "--index", paramLabel = "I", description = "Task index; default: $SLURM_ARRAY_TASK_ID.")
    Integer index;

    @Override
    public Integer call() throws Exception {
        BatteryDirectory battery = BatteryDirectory.open(dir);
        return new BatteryTask(battery, Clock.systemUTC()).run(BatteryTask.index(index));
    }
}
