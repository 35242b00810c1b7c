package dev.chorus.magics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The timeline of a fan-out: one bar per request from its start to its end, coloured by status
 * (above {@value #MAX_LINES} rows, one line per band of consecutive rows), with a legend and axis ticks,
 * drawn as SVG and as PNG, with a one-line text/plain summary.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bars one bar per item that ran, in input order
 * @param rows number of rows of the fan-out (items that never ran have no bar)
 */
public record Timeline(List<Bar> bars, int rows) {
    private static final int WIDTH = 760;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    /** Above the plot: the legend, and the row axis' name. */
    private static final int TOP = 40;
    /** Below the plot: time ticks and the axis' name. */
    private static final int AXIS = 40;
    /** Rows drawn one per line up to this many; beyond it, consecutive rows share a line. */
    static final int MAX_LINES = 320;

    /** One request: its row, start and end in milliseconds from the fan-out start, and its status. */
    public record Bar(int row, long startMs, long endMs, String status) {
    }

    public Timeline {
        bars = bars.stream().sorted(Comparator.comparingInt(Bar::row)).toList();
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

    /** Registers the renderer (image/svg+xml, image/png, text/plain). */
    public static void register(Renderer renderer) {
        renderer.createRegistration(Timeline.class)
                .preferring("image/svg+xml")
                .supporting("image/png", "text/plain")
                .register((t, context) -> context.getOutputContainer().assign(t.display()));
    }

    /**
     * The chart as SVG and as PNG, with a one-line text/plain form. No text/html: a front end that
     * does not trust the notebook strips SVG out of HTML and keeps its text, so the chart leaks as
     * words; as an image it shows the PNG instead.
     */
    public DisplayData display() {
        DisplayData d = new DisplayData();
        d.putText(text());
        Drawing drawing = drawing();
        d.putSVG(drawing.svg(text()));
        String png = drawing.png();
        if (png != null) {
            d.putData(MIMEType.IMAGE_PNG, png);
            d.putMetaData(MIMEType.IMAGE_PNG, Map.of("width", drawing.width(), "height", drawing.height()));
        }
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

    /** The chart as an SVG document. */
    public String svg() {
        return drawing().svg(text());
    }

    /**
     * The chart: a legend of the statuses above; below it one line per row that sent a request (rows
     * that sent none, because they were cached, resumed or never started, take no room), or, above
     * {@value #MAX_LINES} such rows, one line per band of consecutive ones, where the requests of
     * each status are drawn as the union of their intervals, gaps under a pixel closed (failures
     * drawn over successes); time ticks below, row ticks on the left. The chart stays under about
     * 400 px tall however many requests the fan-out had (about 40 KB of SVG for 20,000 in waves).
     */
    Drawing drawing() {
        long wall = Math.max(1, wallMs());
        // The rows that sent a request, in order; position[i]: bar i's place among them.
        List<Integer> ran = new ArrayList<>();
        int[] position = new int[bars.size()];
        for (int i = 0; i < bars.size(); i++) {
            if (ran.isEmpty() || ran.get(ran.size() - 1) != bars.get(i).row()) {
                ran.add(bars.get(i).row());
            }
            position[i] = ran.size() - 1;
        }
        int n = Math.max(1, ran.size());
        int perLine = (n + MAX_LINES - 1) / MAX_LINES;
        int lines = (n + perLine - 1) / perLine;
        double lineHeight = Math.max(1.0, Math.min(12.0, 320.0 / lines));
        int plotHeight = Math.max(24, (int) Math.ceil(lineHeight * lines));
        int height = TOP + plotHeight + AXIS;
        int plotWidth = WIDTH - LEFT - RIGHT;
        double scale = plotWidth / (double) wall;
        Drawing d = new Drawing(WIDTH, height);
        legend(d, ran.size());
        d.box(LEFT, TOP, plotWidth, plotHeight, "#fafafa", "#cccccc", null);
        for (long tick : ticks(wall, 7)) {
            double x = LEFT + tick * scale;
            d.line(x, TOP, x, TOP + plotHeight + 4, tick == 0 ? "#cccccc" : "#e6e6e6");
            d.label(x, TOP + plotHeight + 16, seconds(tick, wall), tick == 0 ? Drawing.Anchor.START
                    : x > WIDTH - RIGHT - 20 ? Drawing.Anchor.END : Drawing.Anchor.MIDDLE, 11, "#444444");
        }
        d.label(LEFT + plotWidth / 2.0, height - 4, "time since the fan-out started", Drawing.Anchor.MIDDLE, 11,
                "#666666");
        d.label(LEFT - 6, TOP - 6, "row", Drawing.Anchor.END, 11, "#666666");
        int maxTicks = Math.max(2, plotHeight / 36);
        for (long tick : ticks(ran.isEmpty() ? 1 : ran.size() - 1, maxTicks)) {
            if (ran.isEmpty()) {
                break;
            }
            double y = TOP + (tick / perLine) * lineHeight + Math.max(1.0, lineHeight * 0.85) / 2;
            d.line(LEFT - 4, y, LEFT, y, "#999999");
            d.label(LEFT - 6, y + 4, String.format(Locale.ROOT, "%,d", ran.get((int) tick)), Drawing.Anchor.END, 11,
                    "#444444");
        }
        double barHeight = Math.max(1.0, lineHeight * 0.85);
        if (perLine == 1) {
            for (int i = 0; i < bars.size(); i++) {
                Bar bar = bars.get(i);
                rect(d, bar.startMs(), bar.endMs(), TOP + position[i] * lineHeight, barHeight, scale, bar.status(),
                        "row " + bar.row() + ": " + bar.status() + ", " + bar.startMs() + "–" + bar.endMs() + " ms");
            }
        } else {
            // Intervals closer than a pixel merge: a band draws a few segments, not perLine bars.
            long gapMs = (long) Math.ceil(1 / scale);
            int i = 0;
            while (i < bars.size()) {
                int line = position[i] / perLine;
                int j = i;
                while (j < bars.size() && position[j] / perLine == line) {
                    j++;
                }
                band(d, bars.subList(i, j), bars.get(i).row(), bars.get(j - 1).row(), TOP + line * lineHeight,
                        barHeight, scale, gapMs);
                i = j;
            }
            d.label(WIDTH - RIGHT, TOP - 6, String.format(Locale.ROOT, "one line: %d rows", perLine),
                    Drawing.Anchor.END, 11, "#666666");
        }
        return d;
    }

    /** The statuses' colours and counts, and how many rows sent no request. */
    private void legend(Drawing d, int ranRows) {
        Map<String, Integer> byStatus = new TreeMap<>(Comparator.comparingInt(Timeline::layer)
                .thenComparing(Comparator.naturalOrder()));
        for (Bar b : bars) {
            byStatus.merge(b.status(), 1, Integer::sum);
        }
        double x = LEFT;
        double y = 14;
        for (Map.Entry<String, Integer> e : byStatus.entrySet()) {
            d.box(x, y - 9, 10, 10, colour(e.getKey()), null, null);
            String label = String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue());
            d.label(x + 14, y, label, Drawing.Anchor.START, 12, "#222222");
            x += 14 + label.length() * 7.2 + 16;
        }
        if (ranRows < rows) {
            d.label(x, y, String.format(Locale.ROOT, "%,d of %,d rows sent no request (cached, resumed or not started)",
                    rows - ranRows, rows), Drawing.Anchor.START, 12, "#666666");
        }
    }

    /** Round tick values from 0 to {@code max}, at most {@code most} + 1 of them (steps of 1, 2 or 5 × 10^k). */
    static List<Long> ticks(long max, int most) {
        long step = 1;
        for (long decade = 1; max / step > most; decade *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                step = m * decade;
                if (max / step <= most) {
                    break;
                }
            }
        }
        List<Long> ticks = new ArrayList<>();
        for (long t = 0; t <= max; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    /** A time tick: {@code 0}, {@code 250 ms}, {@code 1.5 s}, {@code 2 min}, by the chart's span. */
    static String seconds(long ms, long wall) {
        if (ms == 0) {
            return "0";
        }
        if (wall < 1_000) {
            return ms + " ms";
        }
        if (wall < 180_000) {
            return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + " s";
        }
        return (ms % 60_000 == 0 ? String.valueOf(ms / 60_000) : String.format(Locale.ROOT, "%.1f", ms / 60_000.0))
                + " min";
    }

    /** One line for rows {@code first..last} ({@code band}: their bars): per status the union of its intervals. */
    private static void band(Drawing d, List<Bar> band, int first, int last, double y, double height,
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
                    segment(d, rows, status, from, to, y, height, scale);
                    from = bar.startMs();
                }
                to = Math.max(to, bar.endMs());
            }
            segment(d, rows, status, from, to, y, height, scale);
        });
    }

    /** One merged interval of a band; its tooltip names the band's rows and the interval. */
    private static void segment(Drawing d, String rows, String status, long from, long to, double y,
                                double height, double scale) {
        rect(d, from, to, y, height, scale, status, rows + "; " + status + " " + from + "–" + to + " ms");
    }

    private static void rect(Drawing d, long startMs, long endMs, double y, double height, double scale,
                             String status, String title) {
        d.box(LEFT + startMs * scale, y, Math.max(1.0, (endMs - startMs) * scale), height, colour(status), null, title);
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
