package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutResult;
import java.util.Locale;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

/**
 * Draws the {@link FanOutResult.Summary} of a fan-out: wall time, concurrency efficiency,
 * latency p50/p95/max, tokens, requests/s and failures by cause, as text and as an HTML table.
 *
 * <p>Stateless and thread-safe.
 */
final class SummaryView {
    private SummaryView() {
    }

    /** Registers the summary renderer. */
    public static void register(Renderer renderer) {
        renderer.createRegistration(FanOutResult.Summary.class)
                .preferring("text/html")
                .supporting("text/plain")
                .register((s, context) -> {
                    context.getOutputContainer().putHTML(html(s));
                    context.getOutputContainer().putText(text(s));
                });
    }

    public static DisplayData display(FanOutResult.Summary s) {
        DisplayData d = new DisplayData();
        d.putText(text(s));
        d.putHTML(html(s));
        return d;
    }

    public static String text(FanOutResult.Summary s) {
        return s.toString();
    }

    public static String html(FanOutResult.Summary s) {
        StringBuilder b = new StringBuilder("<table class=\"chorus-summary\" style=\"font-size:smaller\">");
        row(b, "items", String.format(Locale.ROOT, "%d: %d ok, %d failed, %s%d timed out, %d cancelled%s", s.total(),
                s.ok(), s.failed(), s.invalid() > 0 ? s.invalid() + " invalid, " : "", s.timedOut(), s.cancelled(),
                (s.resumed() > 0 ? ", " + s.resumed() + " resumed" : "")
                        + (s.cached() > 0 ? ", " + s.cached() + " of " + s.total() + " from cache" : "")));
        row(b, "wall time", String.format(Locale.ROOT, "%.2f s", s.wall().toNanos() / 1e9));
        if (s.attempts() == 0) {
            row(b, "requests", "nothing sent");
            return b.append("</table>").toString();
        }
        row(b, "concurrency efficiency", String.format(Locale.ROOT, "%.2f", s.efficiency()));
        row(b, "latency", String.format(Locale.ROOT, "p50 %d ms · p95 %d ms · max %d ms",
                s.p50().toMillis(), s.p95().toMillis(), s.max().toMillis()));
        row(b, "tokens", String.format(Locale.ROOT, "%d prompt + %d completion", s.promptTokens(), s.completionTokens()));
        row(b, "requests/s", String.format(Locale.ROOT, "%.1f (%d attempts)", s.requestsPerSecond(), s.attempts()));
        if (!s.failuresByCause().isEmpty()) {
            StringBuilder f = new StringBuilder();
            for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(s.failuresByCause()).entrySet()) {
                f.append(f.length() == 0 ? "" : ", ").append(e.getKey()).append(" × ").append(e.getValue());
            }
            row(b, "failures", f.toString());
        }
        return b.append("</table>").toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th align=\"left\" style=\"text-align:left;padding:1px 8px\">").append(Html.escape(name))
                .append("</th><td align=\"left\" style=\"text-align:left;padding:1px 8px\">").append(Html.escape(value)).append("</td></tr>");
    }
}
