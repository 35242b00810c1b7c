package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Progress, summary and timeline renderers. */
class ViewsTest {

    @Test
    void progressTextBarAndHtml() {
        Progress p = new Progress(200, 50, 48, 2, 0, 0, 16, 66, 25.0, Duration.ofSeconds(2), false);
        assertEquals("run [########----------------------] 50/200 · ok 48 · failed 2 · in flight 16 · 25.0 req/s · ETA 6.0s",
                ProgressView.text("run", p));
        String html = ProgressView.html("<run>", p);
        assertTrue(html.contains("&lt;run&gt;"));
        // 40 cells: ok 48/200 = 9.6 cells, failed 2/200 = 0.4 (a status with rows gets one), 10 of 40 done.
        assertTrue(html.contains("<font color=\"#2e7d32\">" + "█".repeat(9) + "</font><font color=\"#c62828\">█</font>"
                + "<font color=\"#c8c8c8\">" + "░".repeat(30) + "</font>"), html);
        assertFalse(html.contains("style=\"width"), "the bar does not depend on styles, which untrusted notebooks strip");
        Progress done = new Progress(200, 200, 200, 0, 0, 0, 0, 200, 100, Duration.ofSeconds(2), true);
        assertTrue(ProgressView.text("run", done).endsWith("· done in 2.0s"));
        assertEquals("?", ProgressView.eta(Progress.start(10)));
        assertEquals("2m05s", ProgressView.seconds(125_000));
    }

    @Test
    void progressDrawsCancelledApartFromFailed() {
        Progress p = new Progress(400, 400, 48, 0, 0, 352, 0, 56, 40.0, Duration.ofMillis(1400), true);
        assertEquals("run [##############################] 400/400 · ok 48 · failed 0 · cancelled 352 · in flight 0"
                + " · 40.0 req/s · done in 1.4s", ProgressView.text("run", p));
        String html = ProgressView.html("run", p);
        assertFalse(html.contains("#c62828"), "nothing failed: no red");
        assertTrue(html.contains("<font color=\"#2e7d32\">" + "█".repeat(5) + "</font><font color=\"#9e9e9e\">"
                + "█".repeat(35) + "</font></div>"), html);
        assertEquals(List.of(5, 0, 0, 35).toString(), java.util.Arrays.toString(ProgressView.cells(p, 40)));
    }

    @Test
    void summaryShowsEveryFigure() {
        FanOutResult.Summary s = new FanOutResult.Summary(10, 7, 2, 0, 1, 0, 0, 0, Duration.ofMillis(1500), 0.83,
                Duration.ofMillis(40), Duration.ofMillis(90), Duration.ofMillis(120), 70, 80, 12, 8.0,
                Map.of("ServerException", 2, "CancellationException", 1));
        DisplayData d = SummaryView.display(s);
        assertEquals(s.toString(), d.getData(MIMEType.TEXT_PLAIN));
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        for (String part : List.of("wall time</th><td align=\"left\" style=\"text-align:left;padding:1px 8px\">1.50 s",
                "concurrency efficiency", "0.83", "p50 40 ms · p95 90 ms · max 120 ms", "70 prompt + 80 completion",
                "8.0 (12 attempts)", "CancellationException × 1, ServerException × 2")) {
            assertTrue(html.contains(part), part + " in " + html);
        }
        Renderer r = new Renderer();
        SummaryView.register(r);
        assertEquals(html, r.render(s).getData(MIMEType.TEXT_HTML));
        assertFalse(new FanOutResult<String, String>(List.of(), Duration.ZERO, 1, false, false, Optional.empty())
                .summary().toString().isEmpty());
    }

    @Test
    void timelineDrawsOneBarPerRequestColouredByStatus() throws Exception {
        Table t = Table.create("r",
                StringColumn.create("status", "ok", "failed", "cancelled"),
                LongColumn.create("start_ms", 0, 100, 0),
                LongColumn.create("end_ms", 400, 300, 0));
        t.longColumn("start_ms").setMissing(2);
        t.longColumn("end_ms").setMissing(2);
        Timeline tl = Timeline.of(t);
        assertEquals(2, tl.bars().size(), "items that never ran have no bar");
        assertEquals("timeline: 2 requests over 0.40 s, failed 1, ok 1", tl.text());
        String svg = tl.svg();
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertEquals(2, svg.split("<title>row ", -1).length - 1);
        assertTrue(svg.contains("fill=\"#2e7d32\"><title>row 0: ok, 0–400 ms</title>"), svg);
        assertTrue(svg.contains("fill=\"#c62828\"><title>row 1: failed, 100–300 ms</title>"), svg);
        // Legend, time ticks (0..400 ms in steps of 50), the rows that sent nothing.
        assertTrue(svg.contains(">ok 1</text>") && svg.contains(">failed 1</text>"), svg);
        assertTrue(svg.contains(">0</text>") && svg.contains(">200 ms</text>") && svg.contains(">400 ms</text>"), svg);
        assertTrue(svg.contains(">1 of 3 rows sent no request (cached, resumed or not started)</text>"), svg);
        DisplayData d = tl.display();
        assertEquals(svg, d.getData(MIMEType.parse("image/svg+xml")));
        assertEquals(null, d.getData(MIMEType.TEXT_HTML), "no HTML: an untrusted notebook would strip the SVG and keep its words");
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_PNG))));
        Drawing drawing = tl.drawing();
        assertEquals(drawing.width() * Drawing.PNG_SCALE, png.getWidth());
        assertEquals(drawing.height() * Drawing.PNG_SCALE, png.getHeight());
        assertTrue(colours(png).containsAll(List.of(0x2e7d32, 0xc62828)), "the bars are drawn in the PNG");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.of(Table.create("x", StringColumn.create("status"))));
        assertEquals("a timeline needs a column 'start_ms' (a %%fanout result table)", e.getMessage());
    }

    @Test
    void timelineAfterAnInterruptScalesToTheRowsThatRan() {
        // 400 rows, 56 ran (rows 0..55), the rest cancelled before they started.
        StringColumn status = StringColumn.create("status");
        LongColumn start = LongColumn.create("start_ms");
        LongColumn end = LongColumn.create("end_ms");
        for (int i = 0; i < 400; i++) {
            status.append(i < 56 ? "ok" : "cancelled");
            if (i < 56) {
                start.append(i * 10L);
                end.append(i * 10L + 100);
            } else {
                start.appendMissing();
                end.appendMissing();
            }
        }
        Timeline tl = Timeline.of(Table.create("r", status, start, end));
        Drawing d = tl.drawing();
        String svg = tl.svg();
        // One line per row that ran, 320 / 56 = 5.7 px each: the last bar ends at the plot's bottom.
        double lastBarY = Double.parseDouble(svg.replaceAll("(?s).*<rect x=\"[0-9.]+\" y=\"([0-9.]+)\"[^>]*><title>row 55:.*", "$1"));
        assertTrue(lastBarY > d.height() * 0.7, "row 55 at y=" + lastBarY + " of " + d.height());
        assertTrue(svg.contains(">344 of 400 rows sent no request"), svg);
        assertTrue(svg.contains(">50</text>"), "a row tick at 50: " + svg);
    }

    private static java.util.Set<Integer> colours(java.awt.image.BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours;
    }

    @Test
    void ticksAreRoundAndFew() {
        assertEquals(List.of(0L, 200L, 400L, 600L, 800L, 1000L, 1200L, 1400L), Timeline.ticks(1460, 7));
        assertEquals(List.of(0L), Timeline.ticks(0, 7));
        assertEquals(List.of(0L, 1L, 2L), Timeline.ticks(2, 7));
        assertEquals("250 ms", Timeline.seconds(250, 900));
        assertEquals("1.5 s", Timeline.seconds(1500, 4000));
        assertEquals("2 s", Timeline.seconds(2000, 4000));
        assertEquals("3 min", Timeline.seconds(180_000, 600_000));
    }

    @Test
    void timelineOfManyRowsDrawsOneLinePerBandOfRows() {
        // 20,000 requests in waves of 1000 of 100 ms; row 12345 failed; the last 10 never ran.
        int n = 20_000;
        StringColumn status = StringColumn.create("status");
        LongColumn start = LongColumn.create("start_ms");
        LongColumn end = LongColumn.create("end_ms");
        for (int i = 0; i < n; i++) {
            status.append(i == 12_345 ? "failed" : i >= n - 10 ? "cancelled" : "ok");
            if (i >= n - 10) {
                start.appendMissing();
                end.appendMissing();
            } else {
                start.append(i / 1000 * 100L);
                end.append(i / 1000 * 100L + 100);
            }
        }
        Timeline tl = Timeline.of(Table.create("r", status, start, end));
        assertEquals(n - 10, tl.bars().size());
        String svg = tl.svg();
        assertTrue(svg.length() < 100_000, "chart of " + svg.length() + " chars");
        assertTrue(svg.contains("height=\"400\" viewBox=\"0 0 760 400\""), svg.substring(0, 200));
        assertTrue(svg.contains(">one line: 63 rows</text>"), svg);
        // Each band of 63 rows is one ok segment (touching waves merge); the failure is drawn over it.
        assertEquals(1 + 1, svg.split("fill=\"#c62828\"", -1).length - 1, "the failure and its legend box");
        assertTrue(svg.contains("fill=\"#c62828\"><title>rows 12285–12347: ok 62, failed 1; failed 1200–1300 ms</title>"),
                svg);
        assertTrue(svg.contains("<title>rows 0–62: ok 63; ok 0–100 ms</title>"), svg);
        assertTrue(svg.contains("<title>rows 945–1007: ok 63; ok 0–200 ms</title>"), svg);
        assertTrue(svg.contains("<title>rows 19971–19989: ok 19; ok 1900–2000 ms</title>"), svg);
        assertEquals(318, svg.split("<title>rows ", -1).length - 1 - 1, "one per line, and the failure");
        assertFalse(svg.contains("#9e9e9e"), "rows that never ran have no bar");
        assertTrue(svg.contains(">ok 19,989</text>") && svg.contains(">10 of 20,000 rows sent no request"), svg);
    }
}
