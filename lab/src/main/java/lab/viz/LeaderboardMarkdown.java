package lab.viz;

import java.util.ArrayList;
import java.util.List;

/**
 * The leaderboard as a GitHub-flavoured Markdown table for pull requests and notes. Pareto-optimal
 * runs carry a ★ in the Pareto column. Numbers are rounded to five significant digits for reading;
 * the CSV and JSON keep full precision.
 */
public final class LeaderboardMarkdown {

    static final String PARETO_MARK = "★";
    private static final int DIGITS = 5;

    private LeaderboardMarkdown() {
    }

    public static String render(Leaderboard board) {
        StringBuilder md = new StringBuilder();
        md.append("# Leaderboard: ").append(escape(board.metric())).append(" (")
                .append(board.direction() == RankDirection.ASCENDING ? "lower" : "higher")
                .append(" is better)\n\n")
                .append(PARETO_MARK).append(" = on the Pareto front of ").append(escape(board.metric()))
                .append(" against ").append(escape(board.paretoAgainst()))
                .append(": no other run is at least as good on both.\n\n");

        List<String> header = new ArrayList<>(List.of("Rank", "Run", escape(board.metric()), "Pareto", "Wall time (s)"));
        board.otherMetrics().forEach(m -> header.add(escape(m)));
        board.params().forEach(p -> header.add("param " + escape(p)));
        appendRow(md, header);
        List<String> align = new ArrayList<>(List.of("---:", "---", "---:", ":---:", "---:"));
        board.otherMetrics().forEach(m -> align.add("---:"));
        board.params().forEach(p -> align.add("---"));
        appendRow(md, align);

        for (LeaderboardEntry e : board.entries()) {
            appendRow(md, row(board, Integer.toString(e.rank()), e.run(), e.metricValue(),
                    e.paretoOptimal() ? PARETO_MARK : ""));
        }
        for (RunSummary run : board.unranked()) {
            appendRow(md, row(board, "–", run, Double.NaN, ""));
        }
        if (!board.unranked().isEmpty()) {
            md.append("\nRuns marked – have no value for ").append(escape(board.metric())).append(" and are not ranked.\n");
        }
        return md.toString();
    }

    private static List<String> row(Leaderboard board, String rank, RunSummary run, double metric, String mark) {
        List<String> cells = new ArrayList<>(List.of(rank, escape(run.runName()),
                ValueFormat.format(metric, DIGITS), mark, ValueFormat.format(run.wallTimeSeconds(), DIGITS)));
        board.otherMetrics().forEach(m -> cells.add(ValueFormat.format(run.metrics().getOrDefault(m, Double.NaN), DIGITS)));
        board.params().forEach(p -> cells.add(escape(run.params().getOrDefault(p, ""))));
        return cells;
    }

    private static void appendRow(StringBuilder md, List<String> cells) {
        md.append('|');
        cells.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append('\n');
    }

    /**
     * Makes text inert inside a table cell: pipes would split the cell, newlines end the table,
     * Markdown punctuation would format, and raw HTML would render in many viewers.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '\n', '\r' -> out.append(' ');
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '|', '\\', '`', '*', '_', '[', ']', '#', '~' -> out.append('\\').append(ch);
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
