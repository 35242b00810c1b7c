package dev.chorus.magics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The timeline of a fan-out: one bar per request from its start to its end, coloured by status
 * (above {@value #MAX_LINES} rows, one line per band of consecutive rows), drawn as SVG (image/svg+xml and inline in text/html) with a one-line text/plain summary.
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
    /** Rows drawn one per line up to this many; beyond it, consecutive rows share a line. */
    static final int MAX_LINES = 320;

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

    /**
     * The SVG chart: one line per row, or, above {@value #MAX_LINES} rows, one line per band of
     * consecutive rows, where the requests of each status are drawn as the union of their
     * intervals, gaps under a pixel closed (failures drawn over successes). The chart stays about
     * 300 px tall however many requests the fan-out had (41 KB of SVG for 20,000 in waves).
     */
    public String svg() {
        long wall = Math.max(1, wallMs());
        int n = Math.max(1, rows);
        int perLine = (n + MAX_LINES - 1) / MAX_LINES;
        int lines = (n + perLine - 1) / perLine;
        double lineHeight = Math.max(1.0, Math.min(8.0, 320.0 / lines));
        int plotHeight = (int) Math.ceil(lineHeight * lines);
        int height = TOP + plotHeight + AXIS;
        double scale = (WIDTH - LEFT - 10) / (double) wall;
        StringBuilder b = new StringBuilder(512 + Math.min(bars.size(), MAX_LINES * 4) * 96);
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"10\">", WIDTH, height, WIDTH, height));
        b.append("<title>").append(Html.escape(text())).append("</title>");
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ddd\"/>",
                LEFT, TOP, WIDTH - LEFT - 10, plotHeight));
        double barHeight = Math.max(1.0, lineHeight * 0.85);
        if (perLine == 1) {
            for (Bar bar : bars) {
                rect(b, bar.startMs(), bar.endMs(), TOP + bar.row() * lineHeight, barHeight, scale, bar.status(),
                        "row " + bar.row() + ": " + bar.status() + ", " + bar.startMs() + "–" + bar.endMs() + " ms");
            }
        } else {
            // Intervals closer than a pixel merge: a band draws a few segments, not perLine bars.
            long gapMs = (long) Math.ceil(1 / scale);
            int i = 0;
            while (i < bars.size()) {
                int line = bars.get(i).row() / perLine;
                int j = i;
                while (j < bars.size() && bars.get(j).row() / perLine == line) {
                    j++;
                }
                band(b, bars.subList(i, j), line * perLine, Math.min(rows, (line + 1) * perLine) - 1,
                        TOP + line * lineHeight, barHeight, scale, gapMs);
                i = j;
            }
        }
        int axisY = TOP + plotHeight + 14;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text>", LEFT, axisY));
        if (perLine > 1) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">one line: %d rows</text>",
                    (LEFT + WIDTH - 10) / 2, axisY, perLine));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.2f s</text>",
                WIDTH - 10, axisY, wall / 1000.0));
        b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\">row</text>", TOP + 10));
        b.append("</svg>");
        return b.toString();
    }

    /** One line for rows {@code first..last} ({@code band}: their bars): per status the union of its intervals. */
    private static void band(StringBuilder b, List<Bar> band, int first, int last, double y, double height,
                             double scale, long gapMs) {
        Map<String, List<Bar>> byStatus = new TreeMap<>(Comparator.comparingInt(Timeline::layer)
                .thenComparing(Comparator.naturalOrder()));
        for (Bar bar : band) {
            byStatus.computeIfAbsent(bar.status(), k -> new ArrayList<>()).add(bar);
        }
        StringBuilder counts = new StringBuilder();
        byStatus.forEach((status, list) -> counts.append(counts.isEmpty() ? "" : ", ")
                .append(status).append(' ').append(list.size()));
        String rows = "rows " + first + "–" + last + ": " + counts;
        byStatus.forEach((status, list) -> {
            list.sort(Comparator.comparingLong(Bar::startMs));
            long from = list.get(0).startMs();
            long to = list.get(0).endMs();
            for (Bar bar : list.subList(1, list.size())) {
                if (bar.startMs() > to + gapMs) {
                    segment(b, rows, status, from, to, y, height, scale);
                    from = bar.startMs();
                }
                to = Math.max(to, bar.endMs());
            }
            segment(b, rows, status, from, to, y, height, scale);
        });
    }

    /** One merged interval of a band; its tooltip names the band's rows and the interval. */
    private static void segment(StringBuilder b, String rows, String status, long from, long to, double y,
                                double height, double scale) {
        rect(b, from, to, y, height, scale, status, rows + "; " + status + " " + from + "–" + to + " ms");
    }

    private static void rect(StringBuilder b, long startMs, long endMs, double y, double height, double scale,
                             String status, String title) {
        double x = LEFT + startMs * scale;
        double w = Math.max(1.0, (endMs - startMs) * scale);
        b.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
                x, y, w, height, colour(status), Html.escape(title)));
    }

    /** Drawing order within a band: successes first, so that failures stay visible over them. */
    private static int layer(String status) {
        return switch (status) {
            case "ok" -> 0;
            case "cancelled" -> 1;
            case "timed_out" -> 2;
            case "failed" -> 3;
            default -> 1;
        };
    }

    static String colour(String status) {
        return switch (status) {
            case "ok" -> "#2e7d32";
            case "failed" -> "#c62828";
            case "timed_out" -> "#ef6c00";
            case "invalid" -> "#6a1b9a";
            default -> "#9e9e9e";
        };
    }
}
