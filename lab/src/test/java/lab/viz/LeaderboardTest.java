package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made runs, ranked by accuracy (higher is better):
 * <pre>
 *   run        acc    time   rank  pareto
 *   big        0.95   300    1     yes   best accuracy
 *   big-slow   0.95   400    1     no    tied accuracy, slower than big
 *   mid        0.90   100    3     yes
 *   mid-slow   0.90   200    3     no    dominated by mid
 *   fast       0.85    50    5     yes   fastest
 *   weak       0.80    60    6     no    dominated by fast
 *   crashed    -       10    -     -     no accuracy: unranked
 * </pre>
 */
class LeaderboardTest {

    private static final String HOSTILE = "mid <b>|*x*|</b>, \"q\"";

    @TempDir
    Path dir;

    static List<RunSummary> runs() {
        return List.of(
                new RunSummary("weak", Map.of("acc", 0.80, "loss", 0.9), 60, Map.of("lr", "1e-3")),
                new RunSummary("mid-slow", Map.of("acc", 0.90, "loss", 0.5), 200, Map.of("lr", "3e-4")),
                new RunSummary("big-slow", Map.of("acc", 0.95, "loss", 0.3), 400),
                new RunSummary(HOSTILE, Map.of("acc", 0.90, "loss", 0.45), 100, Map.of("lr", "1e-3")),
                new RunSummary("crashed", Map.of("loss", Double.NaN), 10, Map.of("lr", "1e-2")),
                new RunSummary("fast", Map.of("acc", 0.85, "loss", 0.7), 50, Map.of("lr", "1e-3")),
                new RunSummary("big", Map.of("acc", 0.95, "loss", 0.35), 300, Map.of("lr", "3e-4")));
    }

    private final Leaderboard board = Leaderboard.rank(runs(), "acc", RankDirection.DESCENDING);

    @Test
    void ranksBestFirstWithSharedRanksForTies() {
        assertEquals(List.of("big", "big-slow", HOSTILE, "mid-slow", "fast", "weak"), names(board.entries()));
        assertEquals(List.of(1, 1, 3, 3, 5, 6), board.entries().stream().map(LeaderboardEntry::rank).toList());
        assertEquals(0.95, board.entries().get(0).metricValue());
        assertEquals(List.of("crashed"), board.unranked().stream().map(RunSummary::runName).toList());
        assertEquals(List.of("loss"), board.otherMetrics());
        assertEquals(List.of("lr"), board.params());
    }

    @Test
    void marksTheParetoFrontOfMetricAgainstWallTime() {
        assertEquals(List.of("big", HOSTILE, "fast"), names(board.paretoFront()));
    }

    @Test
    void theFrontCanBeTakenAgainstAnotherMetricWhereLowerIsBetter() throws Exception {
        // against loss, big-slow (acc 0.95, loss 0.30) dominates every other run; against wall time it does not
        Leaderboard againstLoss = Leaderboard.rank(runs(), "acc", RankDirection.DESCENDING, "loss");
        assertEquals(List.of("big-slow"), names(againstLoss.paretoFront()));
        assertEquals("loss", againstLoss.paretoAgainst());
        assertEquals(0.35, againstLoss.cost(againstLoss.entries().get(0)), 0.0, "big ranks first (tied on acc, faster)");
        againstLoss.writeAll(dir, "lb");
        assertTrue(Files.readString(dir.resolve("lb.md")).contains("against loss"));
        assertTrue(Files.readString(dir.resolve("lb.html")).contains("against loss"));
        assertEquals("wall time", board.paretoAgainst());
    }

    @Test
    void ascendingRanksLowestFirst() {
        Leaderboard byLoss = Leaderboard.rank(runs(), "loss", RankDirection.ASCENDING);
        assertEquals(List.of("big-slow", "big", HOSTILE, "mid-slow", "fast", "weak"), names(byLoss.entries()));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), byLoss.entries().stream().map(LeaderboardEntry::rank).toList());
        // big-slow has the lowest loss; big is faster but worse; the 100 s run and fast trade off too.
        assertEquals(List.of("big-slow", "big", HOSTILE, "fast"), names(byLoss.paretoFront()));
        assertEquals(List.of("crashed"), byLoss.unranked().stream().map(RunSummary::runName).toList());
        assertEquals(List.of("acc"), byLoss.otherMetrics());
    }

    @Test
    void csvListsRankedRowsThenUnrankedWithParetoColumn() {
        String[] lines = LeaderboardCsv.render(board).split("\r\n");
        assertEquals("rank,run,acc,pareto,wall_time_s,loss,param.lr", lines[0]);
        assertEquals("1,big,0.95,true,300.0,0.35,3e-4", lines[1]);
        assertEquals("1,big-slow,0.95,false,400.0,0.3,", lines[2]);
        assertEquals("3,\"mid <b>|*x*|</b>, \"\"q\"\"\",0.9,true,100.0,0.45,1e-3", lines[3]);
        assertEquals("3,mid-slow,0.9,false,200.0,0.5,3e-4", lines[4]);
        assertEquals("5,fast,0.85,true,50.0,0.7,1e-3", lines[5]);
        assertEquals("6,weak,0.8,false,60.0,0.9,1e-3", lines[6]);
        assertEquals(",crashed,,false,10.0,,1e-2", lines[7]);
        assertEquals(8, lines.length);
    }

    @Test
    void jsonCarriesRanksFrontAndFullValues() throws IOException {
        JsonNode root = new ObjectMapper().readTree(LeaderboardJson.render(board));
        assertEquals("acc", root.get("metric").asText());
        assertEquals("descending", root.get("direction").asText());
        List<String> front = new ArrayList<>();
        root.get("pareto_front").forEach(n -> front.add(n.asText()));
        assertEquals(List.of("big", HOSTILE, "fast"), front);
        JsonNode runs = root.get("runs");
        assertEquals(6, runs.size());
        assertEquals("big-slow", runs.get(1).get("run").asText());
        assertEquals(1, runs.get(1).get("rank").asInt());
        assertFalse(runs.get(1).get("pareto").asBoolean());
        assertEquals(0.3, runs.get(1).get("metrics").get("loss").asDouble());
        assertEquals(3, runs.get(2).get("rank").asInt());
        assertTrue(runs.get(2).get("pareto").asBoolean());
        assertEquals(HOSTILE, runs.get(2).get("run").asText());
        assertEquals(0.9, runs.get(2).get("value").asDouble());
        assertEquals("1e-3", runs.get(2).get("params").get("lr").asText());
        JsonNode crashed = root.get("unranked").get(0);
        assertEquals("crashed", crashed.get("run").asText());
        assertTrue(crashed.get("metrics").get("loss").isNull(), "NaN becomes null");
        assertEquals(10.0, crashed.get("wall_time_s").asDouble());
    }

    @Test
    void markdownTableStarsTheFrontAndEscapesCells() {
        String md = LeaderboardMarkdown.render(board);
        assertTrue(md.startsWith("# Leaderboard: acc (higher is better)\n"));
        List<String> rows = md.lines().filter(l -> l.startsWith("| ") && !l.contains("---")).toList();
        assertEquals("| Rank | Run | acc | Pareto | Wall time (s) | loss | param lr |", rows.get(0));
        assertEquals("| 1 | big | 0.95 | ★ | 300 | 0.35 | 3e-4 |", rows.get(1));
        assertEquals("| 1 | big-slow | 0.95 |  | 400 | 0.3 |  |", rows.get(2));
        assertEquals("| 3 | mid &lt;b&gt;\\|\\*x\\*\\|&lt;/b&gt;, \"q\" | 0.9 | ★ | 100 | 0.45 | 1e-3 |", rows.get(3));
        assertEquals("| 5 | fast | 0.85 | ★ | 50 | 0.7 | 1e-3 |", rows.get(5));
        assertEquals("| – | crashed | n/a |  | 10 | n/a | 1e-2 |", rows.get(7));
        assertEquals(8, rows.size());
        // Every row has the header's column count, or the table breaks.
        for (String row : rows) {
            assertEquals(8, row.replace("\\|", "").chars().filter(c -> c == '|').count(), row);
        }
        assertTrue(md.contains("| ---: | --- | ---: | :---: | ---: | ---: | --- |"));
    }

    @Test
    void htmlHighlightsTheFrontEscapesAndIsSelfContained() {
        String html = LeaderboardHtml.render(board);
        Matcher m = Pattern.compile("<tr class=\"(pareto|ranked|unranked)\"><td class=\"num\">([^<]*)</td><td>([^<]*)</td>")
                .matcher(html);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        assertEquals(List.of("pareto 1 big", "ranked 1 big-slow",
                "pareto 3 mid &lt;b&gt;|*x*|&lt;/b&gt;, &quot;q&quot;", "ranked 3 mid-slow",
                "pareto 5 fast", "ranked 6 weak", "unranked – crashed"), rows);
        assertEquals(3, HtmlReportTest.count(html, "<td class=\"pareto-mark\">★</td>"));
        assertEquals(3, HtmlReportTest.count(html, "<circle class=\"point pareto\""));
        assertEquals(6, HtmlReportTest.count(html, "<circle class=\"point"));
        assertFalse(html.contains("<b>"));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http:") || html.contains("https:"));
        assertTrue(html.contains("script-src 'none'"));
    }

    @Test
    void writeAllWritesFourFiles() throws IOException {
        board.writeAll(dir.resolve("board"), "acc");
        for (String ext : List.of("csv", "json", "md", "html")) {
            Path file = dir.resolve("board/acc." + ext);
            assertTrue(Files.size(file) > 100, ext);
        }
        assertEquals(LeaderboardCsv.render(board), Files.readString(dir.resolve("board/acc.csv")));
        try (var files = Files.list(dir.resolve("board"))) {
            assertEquals(4, files.count(), "no temp files left");
        }
    }

    @Test
    void emptyLeaderboardStillWrites() {
        Leaderboard empty = Leaderboard.rank(List.of(), "acc", RankDirection.DESCENDING);
        assertEquals("rank,run,acc,pareto,wall_time_s\r\n", LeaderboardCsv.render(empty));
        assertTrue(LeaderboardHtml.render(empty).contains("</table>"));
        assertTrue(empty.paretoFront().isEmpty());
    }

    private static List<String> names(List<LeaderboardEntry> entries) {
        return entries.stream().map(e -> e.run().runName()).toList();
    }
}
