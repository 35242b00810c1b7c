package dev.chorus.magics;

import dev.chorus.client.Batch;
import dev.chorus.client.fanout.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * What {@code %%fanout --batch} shows in its cell: one progress display, updated in place from the
 * batches' request counts (completed, failed, total; each status; the time since the cell began).
 *
 * <p>Threading: used by the cell's thread only; the notebook's display calls are thread-safe.
 */
final class BatchDisplay {
    private final Notebook notebook;
    private final String label;
    private final String id = "chorus-batch-" + UUID.randomUUID();
    private boolean open;

    BatchDisplay(Notebook notebook, String label) {
        this.notebook = notebook;
        this.label = label;
    }

    /** One line above the progress display. */
    void say(String line) {
        notebook.display(Displays.text(line));
    }

    /** Shows, or updates, the progress of {@code batches} for {@code rows} rows. */
    void show(List<Batch> batches, int rows, Duration elapsed) {
        DisplayData d = display(batches, rows, elapsed);
        if (open) {
            notebook.update(id, d);
        } else {
            open = true;
            notebook.display(Displays.withId(d, id));
        }
    }

    DisplayData display(List<Batch> batches, int rows, Duration elapsed) {
        int total = 0;
        int completed = 0;
        int failed = 0;
        Map<String, Integer> statuses = new TreeMap<>();
        for (Batch b : batches) {
            total += b.requestCounts().total();
            completed += b.requestCounts().completed();
            failed += b.requestCounts().failed();
            statuses.merge(b.status(), 1, Integer::sum);
        }
        boolean finished = !batches.isEmpty() && batches.stream().allMatch(Batch::isDone);
        double seconds = Math.max(0.001, elapsed.toNanos() / 1e9);
        Progress p = new Progress(total, completed + failed, completed, failed, 0, 0, 0, completed + failed,
                (completed + failed) / seconds, elapsed, finished);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d %s", batches.size(),
                batches.size() == 1 ? "batch" : "batches"));
        String sep = ": ";
        for (Map.Entry<String, Integer> e : statuses.entrySet()) {
            line.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        line.append(String.format(Locale.ROOT, " · %d rows in the table · %s since the cell began", rows,
                ProgressView.seconds(elapsed.toMillis())));
        DisplayData d = ProgressView.display(label, p);
        d.putText(d.getData(MIMEType.TEXT_PLAIN) + "\n" + line);
        d.putHTML(d.getData(MIMEType.TEXT_HTML) + "<div style=\"font-family:monospace;font-size:smaller\">"
                + Html.escape(line.toString()) + "</div>");
        return d;
    }

    /** One line on how the rows ended: {@code batch: 200 rows · ok 190 · failed 6 · expired 4 · 20 from cache}. */
    static String summary(tech.tablesaw.api.Table table) {
        Map<String, Integer> by = new java.util.LinkedHashMap<>();
        tech.tablesaw.api.StringColumn status = table.stringColumn("status");
        for (int i = 0; i < table.rowCount(); i++) {
            by.merge(status.get(i), 1, Integer::sum);
        }
        int cached = 0;
        tech.tablesaw.api.BooleanColumn c = table.booleanColumn("cached");
        for (int i = 0; i < table.rowCount(); i++) {
            cached += !c.isMissing(i) && c.get(i) ? 1 : 0;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "batch: %,d rows", table.rowCount()));
        for (String k : List.of("ok", "failed", "invalid", "expired", "cancelled", "pending")) {
            if (by.containsKey(k)) {
                s.append(String.format(Locale.ROOT, " · %s %,d", k, by.get(k)));
            }
        }
        if (cached > 0) {
            s.append(String.format(Locale.ROOT, " · %,d from cache", cached));
        }
        return s.toString();
    }
}
