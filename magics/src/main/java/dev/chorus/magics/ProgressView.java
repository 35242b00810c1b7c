package dev.chorus.magics;

import dev.chorus.client.fanout.Progress;
import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * Draws a fan-out {@link Progress} snapshot: a text bar for text/plain, a bar for text/html,
 * with done/total, ok, failed, invalid, cancelled, in flight, requests/s and ETA.
 *
 * <p>Stateless and thread-safe.
 */
final class ProgressView {
    /** Characters of the text/plain bar. */
    private static final int TEXT_BAR = 30;
    /** Cells of the HTML bar. */
    private static final int BAR = 40;

    private ProgressView() {
    }

    /** The snapshot as display data (no display id set). */
    public static DisplayData display(String label, Progress p) {
        DisplayData d = new DisplayData();
        d.putText(text(label, p));
        d.putHTML(html(label, p));
        return d;
    }

    /**
     * One line: {@code label [#####-----] 120/200 · ok 118 · failed 2 · in flight 16 · 45.3 req/s · ETA 2s},
     * with {@code · cancelled N} when rows were cancelled.
     */
    public static String text(String label, Progress p) {
        int filled = (int) Math.round(p.fraction() * TEXT_BAR);
        return label + " [" + "#".repeat(filled) + "-".repeat(TEXT_BAR - filled) + "] " + figures(p);
    }

    static String figures(Progress p) {
        return String.format(Locale.ROOT, "%d/%d · ok %d · failed %d%s%s · in flight %d · %.1f req/s · %s",
                p.done(), p.total(), p.ok(), p.failed(), p.invalid() > 0 ? " · invalid " + p.invalid() : "",
                p.cancelled() > 0 ? " · cancelled " + p.cancelled() : "",
                p.inFlight(), p.rate(), p.finished() ? "done in " + seconds(p.elapsed().toMillis()) : "ETA " + eta(p));
    }

    static String eta(Progress p) {
        int left = p.total() - p.done();
        if (left <= 0) {
            return "0s";
        }
        if (p.rate() <= 0) {
            return "?";
        }
        return seconds(Math.round(left / p.rate() * 1000));
    }

    static String seconds(long millis) {
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
    }

    /**
     * The label, a bar and the figures. The bar is {@value #BAR} block characters coloured by
     * {@code <font color>}, the one colouring that survives the sanitiser of a notebook that is not
     * trusted (styles do not): green for ok, red for failed, purple for invalid, grey for cancelled,
     * light shade for what is left.
     */
    public static String html(String label, Progress p) {
        int[] cells = cells(p, BAR);
        StringBuilder bar = new StringBuilder(256);
        String[] colours = {Timeline.colour("ok"), Timeline.colour("failed"), Timeline.colour("invalid"),
                Timeline.colour("cancelled")};
        for (int i = 0; i < colours.length; i++) {
            if (cells[i] > 0) {
                bar.append("<font color=\"").append(colours[i]).append("\">").append("█".repeat(cells[i])).append("</font>");
            }
        }
        int left = BAR - cells[0] - cells[1] - cells[2] - cells[3];
        if (left > 0) {
            bar.append("<font color=\"#c8c8c8\">").append("░".repeat(left)).append("</font>");
        }
        return "<div class=\"chorus-progress\" style=\"font-family:monospace;font-size:smaller\">"
                + "<div>" + Html.escape(label) + "</div>"
                + "<div class=\"chorus-bar\" style=\"line-height:1\">" + bar + "</div>"
                + "<div>" + Html.escape(figures(p)) + "</div></div>";
    }

    /**
     * Of {@code width} cells, how many show ok, failed, invalid and cancelled rows (largest
     * remainders, so they add up to the done fraction's share; a status with any row gets a cell).
     */
    static int[] cells(Progress p, int width) {
        int[] counts = {p.ok(), p.failed(), p.invalid(), p.cancelled()};
        int[] cells = new int[counts.length];
        if (p.total() == 0) {
            return cells;
        }
        int done = 0;
        for (int c : counts) {
            done += c;
        }
        int target = (int) Math.round((double) done / p.total() * width);
        double[] remainder = new double[counts.length];
        int given = 0;
        for (int i = 0; i < counts.length; i++) {
            double exact = (double) counts[i] / p.total() * width;
            cells[i] = (int) exact;
            if (counts[i] > 0 && cells[i] == 0 && target > 0) {
                cells[i] = 1;
            }
            remainder[i] = exact - cells[i];
            given += cells[i];
        }
        while (given < target) {
            int best = 0;
            for (int i = 1; i < counts.length; i++) {
                if (remainder[i] > remainder[best]) {
                    best = i;
                }
            }
            cells[best]++;
            remainder[best] -= 1;
            given++;
        }
        while (given > target) {
            int largest = 0;
            for (int i = 1; i < counts.length; i++) {
                if (cells[i] > cells[largest]) {
                    largest = i;
                }
            }
            cells[largest]--;
            given--;
        }
        return cells;
    }
}
