package lab.harness.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import lab.harness.battery.SchedulerView;
import lab.harness.battery.TaskState;
import org.junit.jupiter.api.Test;

/** sbatch flags from the options, and what scontrol / sacct print (lines as Slurm 22.05 prints them) mapped to task states. */
class SlurmParsingTest {

    @Test
    void scontrolLinesGiveEveryTaskIncludingAFoldedPendingRange() {
        String out = "JobId=1 ArrayJobId=1 ArrayTaskId=1-3%1 ArrayTaskThrottle=1 JobName=wrap JobState=PENDING"
                + " Reason=JobArrayTaskLimit Dependency=(null) ExitCode=0:0 RunTime=00:00:00\n"
                + "JobId=2 ArrayJobId=1 ArrayTaskId=0 JobName=wrap JobState=RUNNING Reason=None ExitCode=0:0\n"
                + "JobId=7 ArrayJobId=1 ArrayTaskId=5 JobName=wrap JobState=CANCELLED Reason=None ExitCode=0:15\n"
                + "JobId=8 ArrayJobId=1 ArrayTaskId=6 JobName=wrap JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0\n"
                + "JobId=9 ArrayJobId=1 ArrayTaskId=7 JobName=wrap JobState=TIMEOUT Reason=None ExitCode=0:15\n";
        Map<Integer, SchedulerView.Task> tasks = SlurmQueue.parseScontrol(out, "1", true);
        assertEquals(List.of(0, 1, 2, 3, 5, 6, 7), tasks.keySet().stream().sorted().toList());
        assertEquals(TaskState.PENDING, tasks.get(2).state());
        assertEquals(Optional.of("JobArrayTaskLimit"), tasks.get(3).reason());
        assertEquals(TaskState.RUNNING, tasks.get(0).state());
        assertEquals(Optional.empty(), tasks.get(0).reason());
        assertEquals(TaskState.CANCELLED, tasks.get(5).state());
        assertEquals(Optional.of(143), tasks.get(5).exitCode(), "signal 15 -> 128 + 15");
        assertEquals(TaskState.FAILED, tasks.get(6).state());
        assertEquals(Optional.of(2), tasks.get(6).exitCode());
        assertEquals(TaskState.TIMEOUT, tasks.get(7).state());
        // a plain job (the merge) is index -1
        assertEquals(TaskState.FINISHED, SlurmQueue.parseScontrol("JobId=12 JobName=m JobState=COMPLETED Reason=None ExitCode=0:0\n",
                "12", false).get(-1).state());
    }

    @Test
    void sacctLinesWithAccountingStorage() {
        String out = "40_0|COMPLETED|0:0\n40_1|CANCELLED by 0|0:15\n40_2|NODE_FAIL|0:0\n40_[3-4%2]|PENDING|0:0\n";
        Map<Integer, SchedulerView.Task> tasks = SlurmQueue.parseSacct(out, "40", true);
        assertEquals(TaskState.FINISHED, tasks.get(0).state());
        assertEquals(TaskState.CANCELLED, tasks.get(1).state());
        assertEquals(TaskState.FAILED, tasks.get(2).state());
        assertEquals(TaskState.PENDING, tasks.get(3).state());
        assertEquals(TaskState.PENDING, tasks.get(4).state());
        assertEquals(5, tasks.size());
    }

    @Test
    void optionsBecomeSbatchFlagsHeapAndArraySpec() {
        SlurmOptions o = new SlurmOptions(Optional.of("gpu"), Optional.of("01:30:00"), Optional.of("8G"), 4, Optional.of("1"),
                OptionalInt.of(3), Optional.of("lab"), Optional.of("normal"), List.of("--constraint=a100"));
        assertEquals(List.of("--partition=gpu", "--time=01:30:00", "--mem=8G", "--account=lab", "--qos=normal",
                "--cpus-per-task=4", "--gpus=1", "--constraint=a100"), o.taskFlags());
        assertEquals(OptionalLong.of(4096), o.heapMegabytes(), "half of 8 GB");
        assertEquals("0-5%3", o.arraySpec(List.of(0, 1, 2, 3, 4, 5)));
        assertEquals("1,3-4,9%3", o.arraySpec(List.of(9, 3, 1, 4)));
        assertEquals(OptionalLong.of(256), SlurmOptions.defaults().withMem("300").heapMegabytes(), "at least 256 MB");
        assertEquals(OptionalLong.empty(), SlurmOptions.defaults().heapMegabytes());
        assertEquals(2048, SlurmOptions.megabytes("2g"));
        assertEquals(4000, SlurmOptions.megabytes("4000"));
    }

    @Test
    void badOptionsAreOneClearError() {
        String mem = assertThrows(IllegalArgumentException.class, () -> SlurmOptions.defaults().withMem("lots")).getMessage();
        assertTrue(mem.contains("--mem 'lots'") && mem.contains("4G"), mem);
        String time = assertThrows(IllegalArgumentException.class, () -> new SlurmOptions(Optional.empty(), Optional.of("1h"),
                Optional.empty(), 1, Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), List.of())).getMessage();
        assertTrue(time.contains("--time '1h'"), time);
        String cpus = assertThrows(IllegalArgumentException.class, () -> new SlurmOptions(Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), List.of())).getMessage();
        assertTrue(cpus.contains("--cpus-per-task 0"), cpus);
    }
}
