package lab.viz;

import java.util.ArrayList;
import java.util.List;

/**
 * The leaderboard as RFC 4180 CSV for spreadsheets and pandas: full-precision numbers, empty cells
 * for missing values, {@code pareto} as true/false. Columns: rank, run, the ranking metric, pareto,
 * wall_time_s, the other metrics, then {@code param.<name>} for each parameter.
 */
public final class LeaderboardCsv {

    private LeaderboardCsv() {
    }

    public static String render(Leaderboard board) {
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("rank", "run", board.metric(), "pareto", "wall_time_s"));
        header.addAll(board.otherMetrics());
        board.params().forEach(p -> header.add("param." + p));
        appendLine(csv, header);
        for (LeaderboardEntry e : board.entries()) {
            appendLine(csv, row(board, Integer.toString(e.rank()), e.run(), e.metricValue(), e.paretoOptimal()));
        }
        for (RunSummary run : board.unranked()) {
            appendLine(csv, row(board, "", run, Double.NaN, false));
        }
        return csv.toString();
    }

    private static List<String> row(Leaderboard board, String rank, RunSummary run, double metric, boolean pareto) {
        List<String> cells = new ArrayList<>(List.of(rank, run.runName(), number(metric),
                Boolean.toString(pareto), number(run.wallTimeSeconds())));
        for (String m : board.otherMetrics()) {
            cells.add(number(run.metrics().getOrDefault(m, Double.NaN)));
        }
        for (String p : board.params()) {
            cells.add(run.params().getOrDefault(p, ""));
        }
        return cells;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static void appendLine(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(quote(cells.get(i)));
        }
        csv.append("\r\n");   // RFC 4180 line ending; every CSV reader accepts it
    }

    public static String quote(String cell) {
        boolean needsQuotes = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0 || (!cell.isEmpty() && (cell.charAt(0) == ' ' || cell.endsWith(" ")));
        return needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
