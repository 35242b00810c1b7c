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
        assertTrue(html.contains("width:24.00%;background:#2e7d32"), html);
        assertTrue(html.contains("width:1.00%;background:#c62828"), html);
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
        assertTrue(html.contains("width:0.00%;background:#c62828"), html);
        assertTrue(html.contains("width:88.00%;background:#9e9e9e"), html);
    }

    @Test
    void summaryShowsEveryFigure() {
        FanOutResult.Summary s = new FanOutResult.Summary(10, 7, 2, 0, 1, 0, 0, 0, Duration.ofMillis(1500), 0.83,
                Duration.ofMillis(40), Duration.ofMillis(90), Duration.ofMillis(120), 70, 80, 12, 8.0,
                Map.of("ServerException", 2, "CancellationException", 1));
        DisplayData d = SummaryView.display(s);
        assertEquals(s.toString(), d.getData(MIMEType.TEXT_PLAIN));
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        for (String part : List.of("wall time</th><td style=\"text-align:left;padding:1px 8px\">1.50 s",
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
    void timelineDrawsOneBarPerRequestColouredByStatus() {
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
        DisplayData d = tl.display();
        assertEquals(svg, d.getData(MIMEType.parse("image/svg+xml")));
        assertTrue(((String) d.getData(MIMEType.TEXT_HTML)).contains(svg));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.of(Table.create("x", StringColumn.create("status"))));
        assertEquals("a timeline needs a column 'start_ms' (a %%fanout result table)", e.getMessage());
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
        assertTrue(svg.contains("height=\"350\" viewBox=\"0 0 720 350\""), svg.substring(0, 200));
        assertTrue(svg.contains(">one line: 63 rows</text>"), svg);
        // Each band of 63 rows is one ok segment (touching waves merge); the failure is drawn over it.
        assertEquals(1, svg.split("fill=\"#c62828\"", -1).length - 1);
        assertTrue(svg.contains("fill=\"#c62828\"><title>rows 12285–12347: ok 62, failed 1; failed 1200–1300 ms</title>"),
                svg);
        assertTrue(svg.contains("<title>rows 0–62: ok 63; ok 0–100 ms</title>"), svg);
        assertTrue(svg.contains("<title>rows 945–1007: ok 63; ok 0–200 ms</title>"), svg);
        assertTrue(svg.contains("<title>rows 19971–19999: ok 19; ok 1900–2000 ms</title>"), svg);
        assertEquals(318 + 1 + 1, svg.split("<rect ", -1).length - 1, "background, one per line, the failure");
        assertFalse(svg.contains("#9e9e9e"), "rows that never ran have no bar");
    }
}
