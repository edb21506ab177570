package lab.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.harness.run.StaleRuns;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunStatus;
import lab.harness.rundir.RunStatusFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness status [RUN_DIR... | --root runs]}: one line per run, live runs told from dead ones. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "One line per run: its state, seeds done / total, rows flushed, wall time and last heartbeat."
                + " A RUNNING run whose process is gone (on this host), or whose heartbeat is older than --stale-after"
                + " (another host), shows as STALE; --mark-stale marks those KILLED in status.json and in MLflow.")
final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUN_DIR", description = "Run directories (default: every run under --root).")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--root", defaultValue = "runs", description = "Results root (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--stale-after", defaultValue = "300", paramLabel = "SECONDS",
            description = "A run on another host is STALE after this long without a heartbeat (default: ${DEFAULT-VALUE}).")
    long staleAfter;

    @Option(names = "--mark-stale", description = "Mark every STALE run KILLED (status.json and its MLflow run); it can then be"
            + " resumed with harness run --resume RUN_DIR.")
    boolean markStale;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (staleAfter < 1) {
            throw new IllegalArgumentException("--stale-after must be at least 1 second, got " + staleAfter);
        }
        Clock clock = Clock.systemUTC();
        RunLiveness liveness = new RunLiveness(RunStatusFile.hostName(), clock, Duration.ofSeconds(staleAfter));
        List<RunLiveness.Observed> runs = new ArrayList<>();
        if (dirs.isEmpty()) {
            runs.addAll(liveness.scan(root));
        } else {
            for (Path dir : dirs) {
                runs.add(liveness.observe(dir).orElseThrow(() -> new IllegalArgumentException(dir
                        + " has no readable status.json: give a run directory the harness wrote")));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunLiveness.Observed run : runs) {
            String marked = markStale && run.stale() ? StaleRuns.markKilled(run, clock) : null;
            if (json) {
                out.add(asJson(run, marked, clock));
            } else {
                System.out.println(line(run, clock) + (marked == null ? "" : "\n    marked " + marked));
            }
        }
        if (json) {
            System.out.println(Json.pretty(out));
        } else if (runs.isEmpty()) {
            System.out.println("no runs under " + root);
        }
        return 0;
    }

    private static String line(RunLiveness.Observed run, Clock clock) {
        RunStatus s = run.status();
        String seeds = (s.seedsDone() == null ? "?" : s.seedsDone()) + "/" + (s.seedsTotal() == null ? "?" : s.seedsTotal());
        String heartbeat = s.lastSeenAt() + " (" + Duration.between(Instant.parse(s.lastSeenAt()), clock.instant()).toSeconds()
                + " s ago)";
        return String.format("%-8s %9s seeds %8s rows  wall %s  heartbeat %s  %s%s", run.state(), seeds,
                s.rowsFlushed() == null ? "?" : s.rowsFlushed(), wall(run, clock), heartbeat, run.dir(),
                run.stale() ? "  (" + run.staleReason() + ")" : s.error() != null ? "  (" + s.error() + ")" : "");
    }

    /** Time spent on the run: recorded at the last heartbeat or end, plus, while it runs, the time since. */
    private static String wall(RunLiveness.Observed run, Clock clock) {
        RunStatus s = run.status();
        double seconds = s.wallSeconds() != null ? s.wallSeconds()
                : Duration.between(Instant.parse(s.startedAt()), Instant.parse(s.endedAt() != null ? s.endedAt() : s.lastSeenAt()))
                        .toMillis() / 1000.0;
        if (!s.status().ended() && !run.stale()) {
            seconds += Math.max(0, Duration.between(Instant.parse(s.lastSeenAt()), clock.instant()).toMillis() / 1000.0);
        }
        long total = Math.round(seconds);
        return String.format("%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
    }

    private static Map<String, Object> asJson(RunLiveness.Observed run, String marked, Clock clock) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", run.dir().toString());
        m.put("state", run.state());
        m.put("stale_reason", run.staleReason());
        m.put("seeds_done", run.status().seedsDone());
        m.put("seeds_total", run.status().seedsTotal());
        m.put("rows_flushed", run.status().rowsFlushed());
        m.put("wall", wall(run, clock));
        m.put("last_heartbeat", run.status().lastSeenAt());
        m.put("marked", marked);
        return m;
    }
}
