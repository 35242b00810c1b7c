package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableRendererTest {

    private static Table table(int rows) {
        IntColumn n = IntColumn.create("n");
        StringColumn s = StringColumn.create("status");
        StringColumn text = StringColumn.create("text");
        for (int i = 0; i < rows; i++) {
            n.append(i);
            s.append(i == 1 ? "failed" : "ok");
            text.append(i == 0 ? "<b>bold & \"quoted\"</b>" : i == 2 ? "x".repeat(200) : "row " + i);
        }
        return Table.create("demo", n, s, text);
    }

    @Test
    void htmlEscapesShortensAlignsAndMarksFailures() {
        String html = TableRenderer.html(table(5), 20);
        assertTrue(html.contains("&lt;b&gt;bold &amp; &quot;quoted&quot;&lt;/b&gt;"), html);
        assertFalse(html.contains("<b>bold"));
        assertTrue(html.contains("title=\"" + "x".repeat(200) + "\">" + "x".repeat(39) + "…</td>"));
        // Layout by attributes that survive an untrusted notebook's sanitiser: numbers right and on
        // one line, the long text column as wide as its longest word (40 x's: 40 × 7.2 px + padding).
        assertTrue(html.contains("<td align=\"right\" valign=\"top\" nowrap style=\"padding:2px 4px;vertical-align:top;"
                + "text-align:right;white-space:nowrap\">1</td>"), html);
        assertTrue(html.contains("<th align=\"left\" width=\"296\""), html);
        assertTrue(html.contains("bgcolor=\"#fdecea\""), html);
        assertEquals(1, html.split("class=\"chorus-failed\"", -1).length - 1);
        assertTrue(html.contains("demo: 5 rows × 3 columns"));
    }

    @Test
    void aWrappingColumnIsJustWideEnoughForTwoLines() {
        assertEquals(25, TableRenderer.twoLineWidth("POST /v1/chat/completions failed: 503 S…"));
        assertEquals(23, TableRenderer.twoLineWidth("Echo: Name one landmark in Oslo (reques…"));
        assertEquals(3, TableRenderer.twoLineWidth("abc"));
        assertEquals(0, TableRenderer.twoLineWidth(""));
    }

    @Test
    void aFanOutResultIsShownWithoutTheTimelinesColumnsUnlessAsked() {
        Table t = Table.create("results", StringColumn.create("answer", "a"), tech.tablesaw.api.LongColumn.create("start_ms", new long[] {1}),
                tech.tablesaw.api.LongColumn.create("end_ms", new long[] {2}));
        String html = (String) TableRenderer.display(t, 10).getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML);
        assertTrue(html.contains("results: 1 rows × 3 columns (start_ms, end_ms not shown)"), html);
        assertFalse(html.contains(">start_<wbr>ms<"), html);
        String all = (String) TableRenderer.display(t, 10, true).getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML);
        assertTrue(all.contains(">start_<wbr>ms<") && all.contains("results: 1 rows × 3 columns</div>"), all);
        assertEquals(3, t.columnCount(), "the data keeps them");
        assertEquals("503 Service Unavailable: busy", ResultTable.brief("POST /v1/chat/completions failed: 503 Service Unavailable: busy"));
        assertEquals("timed out", ResultTable.brief("timed out"));
    }

    @Test
    void rowCapShowsFirstAndLastRows() {
        Table t = table(100);
        String html = TableRenderer.html(t, 10);
        assertTrue(html.contains("… 90 more rows …"));
        assertTrue(html.contains(">row 4</td>"));
        assertFalse(html.contains(">row 5</td>"));
        assertTrue(html.contains(">row 95</td>"));
        String text = TableRenderer.text(t, 10);
        assertTrue(text.contains("… 90 more rows …"));
        assertEquals(1 + 1 + 10 + 1, text.split("\n").length, text);
    }

    @Test
    void textAlignsColumns() {
        String text = TableRenderer.text(table(3), 20);
        String[] lines = text.split("\n");
        assertEquals("demo: 3 rows × 3 columns", lines[0]);
        assertEquals("n  status  text", lines[1]);
        assertEquals("0  ok      <b>bold & \"quoted\"</b>", lines[2]);
        assertTrue(lines[4].endsWith("x".repeat(39) + "…"));
    }
}
