package lab.harness.executor;

import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.SchedulerView;
import lab.harness.battery.Submission;

/** The scheduler a battery directory was submitted to. */
public final class Schedulers {

    private Schedulers() {
    }

    /** Slurm's view for a Slurm submission; none for the local executor or before any submission. */
    public static SchedulerView forDirectory(BatteryDirectory dir) {
        return dir.submission().filter(s -> Submission.SLURM.equals(s.executor())).<SchedulerView>map(s -> new SlurmQueue())
                .orElse(SchedulerView.NONE);
    }
}
