package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.ItemResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * One line per variant of a grid: rows, ok rate, p50 latency, tokens and, where a price is known,
 * cost; as text and as an HTML table.
 *
 * @param lines one per variant, in grid order
 */
record VariantSummary(List<Line> lines) {

    /** The figures of one variant. */
    record Line(String variant, int rows, int ok, long p50Ms, long promptTokens, long completionTokens, String cost) {
    }

    static VariantSummary of(FanOutResult<FanOutJob.Row, FanOutJob.Answer> result, Grid grid,
                             Function<String, Preflight.Price> prices) {
        List<Line> lines = new ArrayList<>();
        for (Grid.Variant v : grid.variants()) {
            int rows = 0;
            int ok = 0;
            long prompt = 0;
            long completion = 0;
            List<Long> latencies = new ArrayList<>();
            for (ItemResult<FanOutJob.Row, FanOutJob.Answer> r : result.items()) {
                if (r.input().variant() != v) {
                    continue;
                }
                rows++;
                ok += r.ok() ? 1 : 0;
                if (!r.cached()) {
                    prompt += r.promptTokens();
                    completion += r.completionTokens();
                }
                if (r.attempts() > 0 || r.cached()) {
                    latencies.add(r.latency().toMillis());
                }
            }
            latencies.sort(null);
            long p50 = latencies.isEmpty() ? 0 : latencies.get((latencies.size() - 1) / 2);
            Preflight.Price p = prices.apply(v.model());
            String cost = p == null ? "" : p.approx(p.cost(prompt, completion));
            lines.add(new Line(v.label(), rows, ok, p50, prompt, completion, cost));
        }
        return new VariantSummary(lines);
    }

    String text() {
        StringBuilder b = new StringBuilder("by variant:");
        for (Line l : lines) {
            b.append(String.format(Locale.ROOT, "%n  %s: %d of %d ok (%.0f%%) · p50 %d ms · %d prompt + %d completion tokens%s",
                    l.variant(), l.ok(), l.rows(), l.rows() == 0 ? 0.0 : 100.0 * l.ok() / l.rows(), l.p50Ms(),
                    l.promptTokens(), l.completionTokens(), l.cost().isEmpty() ? "" : " · " + l.cost()));
        }
        return b.toString();
    }

    DisplayData display() {
        DisplayData d = new DisplayData();
        d.putText(text());
        StringBuilder h = new StringBuilder("<table class=\"chorus-variants\" style=\"font-size:smaller\"><tr>");
        for (String head : List.of("variant", "ok", "p50", "tokens", "cost")) {
            h.append("<th style=\"text-align:left;padding:1px 8px\">").append(head).append("</th>");
        }
        h.append("</tr>");
        for (Line l : lines) {
            h.append("<tr><td style=\"text-align:left;padding:1px 8px\">").append(Html.escape(l.variant()))
                    .append("</td><td style=\"text-align:right;padding:1px 8px\">")
                    .append(String.format(Locale.ROOT, "%d / %d", l.ok(), l.rows()))
                    .append("</td><td style=\"text-align:right;padding:1px 8px\">").append(l.p50Ms()).append(" ms")
                    .append("</td><td style=\"text-align:right;padding:1px 8px\">")
                    .append(l.promptTokens() + l.completionTokens())
                    .append("</td><td style=\"text-align:right;padding:1px 8px\">").append(Html.escape(l.cost()))
                    .append("</td></tr>");
        }
        d.putHTML(h.append("</table>").toString());
        return d;
    }
}
