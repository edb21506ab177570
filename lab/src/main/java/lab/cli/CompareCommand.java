package lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.harness.compare.ComparisonReport;
import lab.harness.compare.RankAgreement;
import lab.harness.compare.RunComparison;
import lab.harness.results.ParquetResultsReader;
import lab.harness.results.ResultsTable;
import lab.harness.rundir.RunLiveness;
import lab.viz.HtmlReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness compare RUN_A RUN_B}: paired statistics of A minus B from two runs' results.parquet. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Pair the rows of two runs (same condition, example and seed) and report A - B per metric:"
                + " paired bootstrap 95%% CI, sign-flip permutation p-value, and McNemar's test on accuracy flips;"
                + " or, with --rank, how well A ranks B's conditions. --report draws the maps the runs share side by side.")
final class CompareCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "RUN_A", description = "Run directory (holding results.parquet).")
    Path runA;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "Run directory to compare against.")
    Path runB;

    @Option(names = "--metric", description = "Only this metric.")
    String metric;

    @Option(names = "--per-condition", description = "A line per condition too, not only over all conditions.")
    boolean perCondition;

    @Option(names = "--resamples", defaultValue = "10000", description = "Bootstrap resamples and permutations (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the resampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--allow-unfinished", description = "Compare runs that did not finish (RUNNING, STALE, KILLED, FAILED):"
            + " only the seeds they flushed.")
    boolean allowUnfinished;

    @Option(names = "--rank", paramLabel = "METRIC", description = "Instead of the paired tests: how well A ranks B's"
            + " conditions by this metric (Spearman over condition means, per example, over every cell), e.g. an"
            + " attribution_patch estimate against the exact activation_patch run.")
    String rankMetric;

    @Option(names = "--where", paramLabel = "COLUMN=VALUE", description = "With --rank: only rows with this condition value,"
            + " e.g. --where direction=clean_to_corrupt (repeatable).")
    Map<String, String> where = new LinkedHashMap<>();

    @Option(names = "--zero-below", defaultValue = "1e-6", description = "With --rank: values below this in magnitude count"
            + " as 0 in both runs (float32 noise of patches that change nothing; default: ${DEFAULT-VALUE}; 0 ranks raw values).")
    double zeroBelow;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a page with every map the runs share:"
            + " A and B side by side on one colour scale, and A - B (self-contained HTML, like a run's report.html).")
    Path report;

    @Override
    public void run() {
        if (!allowUnfinished) {
            requireFinished(runA);
            requireFinished(runB);
        }
        ResultsTable a = read(runA);
        ResultsTable b = read(runB);
        if (rankMetric != null) {
            if (metric != null || perCondition) {
                throw new IllegalArgumentException("--rank ranks one metric over the conditions: drop --metric and"
                        + " --per-condition, which belong to the paired tests");
            }
            RankAgreement.Result rank = RankAgreement.of(a, b, rankMetric, where, zeroBelow);
            Map<String, String> facts = rankFacts(rank);
            printRanks(rank, facts);
            writeReport(a, b, List.of(rankMetric), facts);
            return;
        }
        if (!where.isEmpty()) {
            throw new IllegalArgumentException("--where applies to --rank only; to compare one condition use --per-condition");
        }
        RunComparison.Result result = RunComparison.compare(a, b, resamples, seed);
        List<RunComparison.Line> lines = new ArrayList<>();
        for (RunComparison.Line line : result.lines()) {
            if ((metric == null || line.metric().equals(metric))
                    && (perCondition || line.condition().equals(RunComparison.ALL_CONDITIONS))) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no metric '" + metric + "' in both runs");
        }
        printPaired(result, lines);
        writeReport(a, b, lines.stream().map(RunComparison.Line::metric).distinct().toList(), pairedFacts(lines));
    }

    private void printPaired(RunComparison.Result result, List<RunComparison.Line> lines) {
        if (json) {
            printJson(Map.of("unpaired_rows_a", result.unpairedA(), "unpaired_rows_b", result.unpairedB(), "lines", lines));
            return;
        }
        System.out.printf("A = %s%nB = %s%n", runA, runB);
        System.out.printf("%-28s %-16s %6s %10s %10s %10s %22s %9s %10s%n", "condition", "metric", "pairs", "mean A",
                "mean B", "A - B", "95% bootstrap CI", "perm. p", "McNemar p");
        for (RunComparison.Line l : lines) {
            if (l.pairs() == 0) {
                System.out.printf("%-28s %-16s %6d   (no pair without NaN)%n", l.condition(), l.metric(), 0);
                continue;
            }
            System.out.printf("%-28s %-16s %6d %10.4f %10.4f %10.4f   [%8.4f, %8.4f] %9.4f %10s%n", l.condition(), l.metric(),
                    l.pairs(), l.meanA(), l.meanB(), l.bootstrap().meanDifference(), l.bootstrap().low(), l.bootstrap().high(),
                    l.permutation().pValue(), l.mcnemar() == null ? "-" : String.format("%.4f", l.mcnemar().exactP()));
        }
        if (result.unpairedA() + result.unpairedB() > 0) {
            System.out.printf("unpaired rows: %d in A, %d in B (conditions, examples or seeds only one run has)%n",
                    result.unpairedA(), result.unpairedB());
        }
    }

    private void printRanks(RankAgreement.Result r, Map<String, String> facts) {
        if (json) {
            printJson(Map.of("rank", r));
            return;
        }
        System.out.printf("A = %s%nB = %s%n", runA, runB);
        facts.forEach((k, v) -> System.out.printf("%s: %s%n", k, v));
    }

    /** One JSON object: the two runs, then {@code fields} in a fixed order. */
    private void printJson(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_a", runA.toString());
        out.put("run_b", runB.toString());
        new java.util.TreeMap<>(fields).forEach(out::put);
        System.out.println(Json.pretty(out));
    }

    /** The rank agreement as header lines, for the terminal and the report alike. */
    private static Map<String, String> rankFacts(RankAgreement.Result r) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("ranked by", r.metric() + (r.where().isEmpty() ? "" : " where " + r.where())
                + String.format(", |value| < %g counted as 0", r.zeroBelow()));
        facts.put("over condition means", String.format("%d conditions, Spearman %.4f, Pearson %.4f", r.overConditions().n(),
                r.overConditions().spearman(), r.overConditions().pearson()));
        RankAgreement.PerExample e = r.perExample();
        facts.put("per example", e.worstExample() == null
                ? e.examples() + " (example, seed) groups, none ranks anything (every one is constant in a run)"
                : String.format("%d (example, seed) groups, Spearman mean %.4f, median %.4f, lowest %.4f (%s)%s",
                        e.examples(), e.mean(), e.median(), e.min(), e.worstExample(),
                        e.constant() == 0 ? "" : "; " + e.constant() + " constant in a run, left out"));
        facts.put("over cells", String.format("%d, Spearman %.4f, Pearson %.4f", r.overCells().n(), r.overCells().spearman(),
                r.overCells().pearson()));
        if (r.unpairedA() + r.unpairedB() > 0) {
            facts.put("unpaired rows", r.unpairedA() + " in A, " + r.unpairedB() + " in B");
        }
        return facts;
    }

    /** The paired differences over all conditions as header lines of the report. */
    private static Map<String, String> pairedFacts(List<RunComparison.Line> lines) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (RunComparison.Line l : lines) {
            if (l.condition().equals(RunComparison.ALL_CONDITIONS) && l.pairs() > 0) {
                facts.put(l.metric(), String.format("%d pairs, mean A %.4f, mean B %.4f, A - B %.4f [%.4f, %.4f], perm. p %.4f",
                        l.pairs(), l.meanA(), l.meanB(), l.bootstrap().meanDifference(), l.bootstrap().low(), l.bootstrap().high(),
                        l.permutation().pValue()));
            }
        }
        return facts;
    }

    private void writeReport(ResultsTable a, ResultsTable b, List<String> metrics, Map<String, String> facts) {
        if (report == null) {
            return;
        }
        lab.viz.RunReport page;
        try {
            page = ComparisonReport.build(runA, a, runB, b, metrics, facts);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the runs' config.json for the report: " + e.getMessage(), e);
        }
        try {
            HtmlReport.write(page, report);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + report + ": " + e.getMessage(), e);
        }
        System.err.println("report: " + report);
    }

    /** A run directory with a status.json must be FINISHED: a STALE or KILLED run holds only some of its seeds. */
    private static void requireFinished(Path run) {
        RunLiveness.here().observe(run).filter(r -> !r.finished()).ifPresent(r -> {
            throw new IllegalArgumentException(run + " is " + r.state() + (r.stale() ? " (" + r.staleReason() + ")" : "")
                    + ", not FINISHED: its results hold only the seeds it flushed; resume it with harness run --resume " + run
                    + ", or pass --allow-unfinished");
        });
    }

    private static ResultsTable read(Path run) {
        Path file = Files.isDirectory(run) ? run.resolve("results.parquet") : run;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no results.parquet in " + run + "; give a run directory that `harness run` wrote");
        }
        try {
            return ParquetResultsReader.read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
