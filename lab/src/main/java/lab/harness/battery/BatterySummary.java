package lab.harness.battery;

import java.util.List;

/** The outcome of every selected run, in order, and the counts a person wants. */
public record BatterySummary(String battery, int total, List<RunOutcome> outcomes, boolean dryRun) {

    public BatterySummary {
        outcomes = List.copyOf(outcomes);
    }

    /** Runs launched (finished + failed + killed). */
    public int ran() {
        return count(RunOutcome.Result.FINISHED) + failed() + count(RunOutcome.Result.KILLED);
    }

    public int finished() {
        return count(RunOutcome.Result.FINISHED);
    }

    public int failed() {
        return count(RunOutcome.Result.FAILED);
    }

    public int killed() {
        return count(RunOutcome.Result.KILLED);
    }

    public int skipped() {
        return count(RunOutcome.Result.SKIPPED_EXISTING);
    }

    public int notRun() {
        return count(RunOutcome.Result.NOT_RUN);
    }

    private int count(RunOutcome.Result result) {
        return (int) outcomes.stream().filter(o -> o.result() == result).count();
    }

    /** E.g. {@code battery h1_sweep: 4 of 6 runs selected; ran 3 (2 finished, 1 failed, 0 killed), skipped 1 already finished, 0 not run}. */
    public String describe() {
        return "battery " + battery + ": " + outcomes.size() + " of " + total + " runs selected; "
                + (dryRun ? "dry run, nothing launched" : "ran " + ran() + " (" + finished() + " finished, " + failed()
                + " failed, " + killed() + " killed), skipped " + skipped() + " already finished, " + notRun() + " not run");
    }
}
