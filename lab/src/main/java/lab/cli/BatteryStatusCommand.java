package lab.cli;

import java.nio.file.Path;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryStatus;
import lab.harness.executor.Schedulers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness battery status DIR [--wait]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per task: PENDING, RUNNING, FINISHED, FAILED (exit code, last log line), KILLED, CANCELLED or TIMEOUT,"
                + " from the scheduler (squeue/scontrol, sacct where accounting exists) reconciled with each run's status.json."
                + " Exit 0 when every task FINISHED.")
final class BatteryStatusCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Battery directory (holds manifest.json).")
    Path dir;

    @Option(names = "--wait", description = "Wait until every task (and the merge job) has ended, with a progress line.")
    boolean waitForEnd;

    @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "5", description = "Seconds between polls with --wait (default: ${DEFAULT-VALUE}).")
    double poll;

    @Override
    public Integer call() throws Exception {
        BatteryDirectory battery = BatteryDirectory.open(dir);
        BatteryStatus status = waitForEnd
                ? BatteryWait.until(battery, Schedulers.forDirectory(battery), poll)
                : BatteryStatus.read(battery, Schedulers.forDirectory(battery));
        status.tasks().forEach(t -> System.out.println(t.describe()));
        System.out.println(status.progressLine());
        return status.allFinished() ? 0 : 1;
    }
}
