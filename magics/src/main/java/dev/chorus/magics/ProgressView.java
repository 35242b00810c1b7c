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
    private static final int BAR = 30;

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
        int filled = (int) Math.round(p.fraction() * BAR);
        return label + " [" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + figures(p);
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

    /** A bar: green for ok, red for failed, purple for invalid, grey for cancelled, on light grey. */
    public static String html(String label, Progress p) {
        double okPct = p.total() == 0 ? 100 : 100.0 * p.ok() / p.total();
        double failPct = p.total() == 0 ? 0 : 100.0 * p.failed() / p.total();
        double invalidPct = p.total() == 0 ? 0 : 100.0 * p.invalid() / p.total();
        double cancelPct = p.total() == 0 ? 0 : 100.0 * p.cancelled() / p.total();
        return String.format(Locale.ROOT,
                "<div class=\"chorus-progress\" style=\"font-family:monospace;font-size:smaller\">"
                        + "<div>%s</div>"
                        + "<div style=\"display:flex;width:360px;height:10px;background:#e0e0e0;border-radius:3px;overflow:hidden\">"
                        + "<div style=\"width:%.2f%%;background:#2e7d32\"></div>"
                        + "<div style=\"width:%.2f%%;background:#c62828\"></div>"
                        + "<div style=\"width:%.2f%%;background:#6a1b9a\"></div>"
                        + "<div style=\"width:%.2f%%;background:#9e9e9e\"></div></div>"
                        + "<div>%s</div></div>",
                Html.escape(label), okPct, failPct, invalidPct, cancelPct, Html.escape(figures(p)));
    }
}
