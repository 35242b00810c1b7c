package dev.chorus.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The timeline of a fan-out: one bar per request from its start to its end, coloured by status,
 * drawn as SVG (image/svg+xml and inline in text/html) with a one-line text/plain summary.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bars one bar per item that ran, in input order
 * @param rows number of rows of the fan-out (items that never ran have no bar)
 */
public record Timeline(List<Bar> bars, int rows) {
    private static final int WIDTH = 720;
    private static final int LEFT = 40;
    private static final int TOP = 8;
    private static final int AXIS = 22;

    /** One request: its row, start and end in milliseconds from the fan-out start, and its status. */
    public record Bar(int row, long startMs, long endMs, String status) {
    }

    public Timeline {
        bars = List.copyOf(bars);
    }

    /** The timeline of a result table with {@code start_ms}, {@code end_ms} and {@code status} columns. */
    public static Timeline of(Table results) {
        for (String c : List.of("start_ms", "end_ms", "status")) {
            if (!results.columnNames().contains(c)) {
                throw new IllegalArgumentException("a timeline needs a column '" + c + "' (a %%fanout result table)");
            }
        }
        Column<?> start = results.column("start_ms");
        Column<?> end = results.column("end_ms");
        Column<?> status = results.column("status");
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < results.rowCount(); i++) {
            if (start.isMissing(i) || end.isMissing(i)) {
                continue;
            }
            bars.add(new Bar(i, ((Number) start.get(i)).longValue(), ((Number) end.get(i)).longValue(),
                    TableRenderer.cell(status, i)));
        }
        return new Timeline(bars, results.rowCount());
    }

    /** Registers the renderer (image/svg+xml, text/html, text/plain). */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Timeline.class)
                .preferring("image/svg+xml")
                .supporting("text/html", "text/plain")
                .register((t, context) -> context.getOutputContainer().assign(t.display()));
    }

    /** The three representations. */
    public DisplayData display() {
        DisplayData d = new DisplayData();
        d.putText(text());
        String svg = svg();
        d.putSVG(svg);
        d.putHTML("<div class=\"chorus-timeline\">" + svg + "</div>");
        return d;
    }

    /** Longest end, in milliseconds. */
    public long wallMs() {
        long wall = 0;
        for (Bar b : bars) {
            wall = Math.max(wall, b.endMs());
        }
        return wall;
    }

    /** One line: how many requests over how long, by status. */
    public String text() {
        Map<String, Integer> byStatus = new TreeMap<>();
        for (Bar b : bars) {
            byStatus.merge(b.status(), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "timeline: %d requests over %.2f s",
                bars.size(), wallMs() / 1000.0));
        byStatus.forEach((k, v) -> s.append(", ").append(k).append(' ').append(v));
        return s.toString();
    }

    /** The SVG chart. */
    public String svg() {
        long wall = Math.max(1, wallMs());
        int n = Math.max(1, rows);
        double barHeight = Math.max(1.0, Math.min(8.0, 320.0 / n));
        int plotHeight = (int) Math.ceil(barHeight * n);
        int height = TOP + plotHeight + AXIS;
        double scale = (WIDTH - LEFT - 10) / (double) wall;
        StringBuilder b = new StringBuilder(256 + bars.size() * 96);
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"10\">", WIDTH, height, WIDTH, height));
        b.append("<title>").append(Html.escape(text())).append("</title>");
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ddd\"/>",
                LEFT, TOP, WIDTH - LEFT - 10, plotHeight));
        for (Bar bar : bars) {
            double x = LEFT + bar.startMs() * scale;
            double w = Math.max(1.0, (bar.endMs() - bar.startMs()) * scale);
            double y = TOP + bar.row() * barHeight;
            b.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>row %d: %s, %d–%d ms</title></rect>",
                    x, y, w, Math.max(1.0, barHeight * 0.85), colour(bar.status()), bar.row(),
                    Html.escape(bar.status()), bar.startMs(), bar.endMs()));
        }
        int axisY = TOP + plotHeight + 14;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text>", LEFT, axisY));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.2f s</text>",
                WIDTH - 10, axisY, wall / 1000.0));
        b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\">row</text>", TOP + 10));
        b.append("</svg>");
        return b.toString();
    }

    static String colour(String status) {
        return switch (status) {
            case "ok" -> "#2e7d32";
            case "failed" -> "#c62828";
            case "timed_out" -> "#ef6c00";
            default -> "#9e9e9e";
        };
    }
}
