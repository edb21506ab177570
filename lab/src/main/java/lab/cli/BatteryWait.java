package lab.cli;

import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryMerge;
import lab.harness.battery.BatteryStatus;
import lab.harness.battery.SchedulerView;

/** Polls a battery until its tasks and merge job have ended, printing a progress line on stderr when it changes. */
final class BatteryWait {

    private BatteryWait() {
    }

    static BatteryStatus until(BatteryDirectory dir, SchedulerView scheduler, double pollSeconds) throws InterruptedException {
        String last = "";
        long start = System.nanoTime();
        while (true) {
            BatteryStatus status = BatteryStatus.read(dir, scheduler);
            String line = status.progressLine();
            if (!line.equals(last)) {
                System.err.printf("[%4.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
                last = line;
            }
            boolean hasMergeJob = dir.submission().map(s -> s.mergeJob() != null).orElse(false);
            // a merge job the scheduler has forgotten is over: its summary file tells
            boolean mergeDone = !hasMergeJob || status.mergeJob().map(m -> m.state().ended())
                    .orElseGet(() -> java.nio.file.Files.isRegularFile(dir.path().resolve(BatteryMerge.SUMMARY + ".json")));
            if (status.allEnded() && mergeDone && status.schedulerProblem().isEmpty()) {
                return status;
            }
            Thread.sleep((long) (pollSeconds * 1000));
        }
    }
}
