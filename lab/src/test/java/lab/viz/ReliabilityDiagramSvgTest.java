package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reliability diagram: a point per non-empty bin where its confidence and accuracy put it, and the report's section. */
class ReliabilityDiagramSvgTest {

    static ReliabilityDiagram diagram() {
        double nan = Double.NaN;
        return new ReliabilityDiagram("Calibration of the clean run", "T = 2 <fitted>", List.of(
                new ReliabilityDiagram.Curve("before", 0.2, List.of(new ReliabilityDiagram.Point(0, 0.5, 0, nan, nan),
                        new ReliabilityDiagram.Point(0.5, 1, 4, 0.9, 0.75))),
                new ReliabilityDiagram.Curve("after", 0.05, List.of(new ReliabilityDiagram.Point(0, 0.5, 1, 0.5, 1),
                        new ReliabilityDiagram.Point(0.5, 1, 3, 0.7, 0.6667)))));
    }

    @Test
    void eachNonEmptyBinIsAPointAtItsConfidenceAndAccuracy() {
        String svg = ReliabilityDiagramSvg.render(diagram());
        // plot: x = 52 + 300 c, y = 12 + 300 (1 - a); (0.9, 0.75) -> (322, 87)
        assertTrue(svg.contains("<circle class=\"bin\" cx=\"322.0\" cy=\"87.0\""), svg);
        assertEquals(3, svg.split("<circle class=\"bin\"", -1).length - 1, "the empty bin draws nothing");
        assertTrue(svg.contains("before: confidence (0.500, 1.000]: 4 predictions, mean confidence 0.900, accuracy 0.750"));
        assertTrue(svg.contains(">after: ECE 0.05</text>"), svg);
        assertTrue(svg.contains("<polyline class=\"curve\" stroke=\"#1b9e77\" points=\"202.0,12.0 262.0,112.0\""), svg);
    }

    @Test
    void theReportShowsItsOwnSectionOnlyWhenThereIsOne() {
        String html = HtmlReport.render(new RunReport("r", Map.of(), List.of(), "95% CI", List.of(), EffectTable.none(), List.of(),
                List.of(diagram())));
        assertTrue(html.contains("<section id=\"calibration\">"));
        assertTrue(html.contains("T = 2 &lt;fitted&gt;"), "the note is text");
        assertFalse(HtmlReport.render(new RunReport("r", Map.of(), List.of(), List.of())).contains("id=\"calibration\""));
    }

    @Test
    void aDiagramsTableFollowsItAsTextAndARaggedRowIsRefused() {
        ReliabilityDiagram d = diagram();
        ReliabilityDiagram withTable = new ReliabilityDiagram(d.title(), d.note(), d.curves(), new ReliabilityDiagram.Table(
                List.of("Condition", "ECE"), List.of(List.of("layer=1 head=<1>", "0.39"))));
        String html = HtmlReport.render(new RunReport("r", Map.of(), List.of(), "95% CI", List.of(), EffectTable.none(), List.of(),
                List.of(withTable)));
        assertTrue(html.contains("<table class=\"calibration\">\n<thead><tr><th>Condition</th><th>ECE</th></tr></thead>\n<tbody>\n"
                + "<tr><td>layer=1 head=&lt;1&gt;</td><td>0.39</td></tr>"), html);
        assertFalse(HtmlReport.render(new RunReport("r", Map.of(), List.of(), "95% CI", List.of(), EffectTable.none(), List.of(),
                List.of(d))).contains("<table class=\"calibration\">"), "no table without rows");
        var ragged = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ReliabilityDiagram.Table(List.of("a", "b"), List.of(List.of("1"))));
        assertTrue(ragged.getMessage().contains("1 cells for 2 columns"), ragged.getMessage());
    }
}
