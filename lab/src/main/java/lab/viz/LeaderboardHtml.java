package lab.viz;

/**
 * The leaderboard as a self-contained HTML page: a scatter of the metric against wall time with
 * the Pareto front drawn, and the ranked table with Pareto-optimal rows highlighted and starred.
 * Runs no script at all (its Content Security Policy forbids any) and loads nothing from elsewhere.
 */
public final class LeaderboardHtml {

    private static final String STYLE = Html.resource("report.css") + Html.resource("leaderboard.css");
    private static final int DIGITS = 5;

    private LeaderboardHtml() {
    }

    public static String render(Leaderboard board) {
        String metric = Html.escape(board.metric());
        String better = board.direction() == RankDirection.ASCENDING ? "lower" : "higher";
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(Html.contentSecurityPolicyMeta(null, STYLE)).append('\n')
                .append("<title>Leaderboard: ").append(metric).append("</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>Leaderboard: ").append(metric).append(" (").append(better).append(" is better)</h1>\n")
                .append("<p class=\"note\">Rows marked ").append(LeaderboardMarkdown.PARETO_MARK)
                .append(" are on the Pareto front of ").append(metric)
                .append(" against ").append(Html.escape(board.paretoAgainst()))
                .append(" (lower is better): no other run is at least as good on both.</p>\n")
                .append(ParetoScatterSvg.render(board));

        html.append("<table class=\"leaderboard\">\n<thead><tr><th>Rank</th><th>Run</th><th>").append(metric)
                .append("</th><th>Pareto</th><th>Wall time (s)</th>");
        board.otherMetrics().forEach(m -> html.append("<th>").append(Html.escape(m)).append("</th>"));
        board.params().forEach(p -> html.append("<th>param ").append(Html.escape(p)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (LeaderboardEntry e : board.entries()) {
            appendRow(html, board, e.paretoOptimal() ? "pareto" : "ranked", Integer.toString(e.rank()),
                    e.run(), e.metricValue(), e.paretoOptimal());
        }
        for (RunSummary run : board.unranked()) {
            appendRow(html, board, "unranked", "–", run, Double.NaN, false);
        }
        html.append("</tbody>\n</table>\n");
        if (!board.unranked().isEmpty()) {
            html.append("<p class=\"note\">Unranked runs (rank –) have no value for ").append(metric).append(".</p>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static void appendRow(StringBuilder html, Leaderboard board, String cssClass, String rank,
                                  RunSummary run, double metric, boolean pareto) {
        html.append("<tr class=\"").append(cssClass).append("\"><td class=\"num\">").append(rank)
                .append("</td><td>").append(Html.escape(run.runName()))
                .append("</td><td class=\"num\">").append(ValueFormat.format(metric, DIGITS))
                .append("</td><td class=\"pareto-mark\">").append(pareto ? LeaderboardMarkdown.PARETO_MARK : "")
                .append("</td><td class=\"num\">").append(ValueFormat.format(run.wallTimeSeconds(), DIGITS)).append("</td>");
        board.otherMetrics().forEach(m -> html.append("<td class=\"num\">")
                .append(ValueFormat.format(run.metrics().getOrDefault(m, Double.NaN), DIGITS)).append("</td>"));
        board.params().forEach(p -> html.append("<td>").append(Html.escape(run.params().getOrDefault(p, "")))
                .append("</td>"));
        html.append("</tr>\n");
    }
}
