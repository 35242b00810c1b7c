package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.Progress;
import dev.chorus.client.fanout.ProgressListener;
import java.nio.file.Path;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What a fan-out shows in its cell: one progress display, updated in place while rows end (at most
 * every 100 ms), then the final progress line, the summary and the timeline.
 *
 * <p>Threading: {@link #onProgress} is called by the engine's ticker, {@link #finish} once by the
 * thread that waited for the run (or by the engine's thread completing a background run); the
 * notebook's display calls are thread-safe.
 */
final class FanOutDisplay implements ProgressListener {
    private static final long MIN_UPDATE_NANOS = 100_000_000L;

    private final Notebook notebook;
    private final String label;
    private final String id = "chorus-fanout-" + UUID.randomUUID();
    private long lastUpdate;

    private final int total;

    /** The progress display of a fan-out of {@code total} rows; {@link #open()} shows it. */
    FanOutDisplay(Notebook notebook, String label, int total) {
        this.notebook = notebook;
        this.label = label;
        this.total = total;
    }

    /** Shows the display of the run that has not started (after the pre-flight line, before the first request). */
    void open() {
        notebook.display(Displays.withId(ProgressView.display(label, Progress.start(total)), id));
    }

    /** Shows a grid's figures by variant. */
    void variants(VariantSummary summary) {
        notebook.display(summary.display());
    }

    /** Shows one line of text above the progress display (the pre-flight line). */
    void say(String line) {
        notebook.display(Displays.text(line));
    }

    @Override
    public void onProgress(Progress p) {
        long now = System.nanoTime();
        if (!p.finished() && now - lastUpdate >= MIN_UPDATE_NANOS) {
            lastUpdate = now;
            notebook.update(id, ProgressView.display(label, p));
        }
    }

    /** Replaces the progress display with {@code data} (for {@code %fanout status} of a background run). */
    void replace(DisplayData data) {
        notebook.update(id, data);
    }

    /**
     * Shows how the run ended: the final progress line, the summary, the timeline, and a line on what
     * an interrupt kept or why the checkpoint stopped being written.
     */
    void finish(FanOutResult<?, ?> result, Progress last, ResultTable table, String bound, Path checkpoint,
                boolean fellBack, Preflight.Price price, String stoppedBy) {
        notebook.update(id, ProgressView.display(label, last));
        notebook.display(SummaryView.display(result.summary()));
        if (price != null) {
            notebook.display(Displays.text(spent(result.summary(), price)));
        }
        if (fellBack) {
            notebook.display(Displays.text(FELL_BACK));
        }
        notebook.display(Timeline.of(table.table()).display());
        if (result.cancelled()) {
            notebook.display(Displays.text(stoppedBy != null ? stopped(stoppedBy, result, bound)
                    : interrupted(result, bound)));
        }
        result.checkpointError().ifPresent(e -> notebook.display(Displays.text(
                "checkpoint " + checkpoint + " stopped being written: " + e.getMessage())));
    }

    /** What the run spent: the tokens the server reported for what was sent now, at {@code price}. */
    static String spent(FanOutResult.Summary s, Preflight.Price price) {
        double cost = price.cost(s.promptTokens(), s.completionTokens());
        return "spent: " + Preflight.tokens(s.promptTokens()) + " prompt + " + Preflight.tokens(s.completionTokens())
                + " completion tokens " + price.approx(cost) + " (" + price.source() + ")";
    }

    /** Said once when the server refused json_schema. */
    static final String FELL_BACK = "the server refused response_format json_schema: the rows were asked with"
            + " json_object and the schema in a system message, and each answer was still validated";

    /** The line a fan-out stopped by {@code --max-cost} ends with, also the evalue of the cell's error. */
    static String stopped(String why, FanOutResult<?, ?> result, String bound) {
        FanOutResult.Summary s = result.summary();
        return "stopped: " + why + ": " + (s.total() - s.cancelled()) + " of " + s.total()
                + " rows finished and kept, " + s.cancelled() + " not sent" + (bound == null ? "" : "; results bound to " + bound);
    }

    /** The line an interrupted fan-out ends with, also the evalue of the cell's error. */
    static String interrupted(FanOutResult<?, ?> result, String bound) {
        FanOutResult.Summary s = result.summary();
        return "interrupted: " + (s.total() - s.cancelled()) + " of " + s.total() + " rows finished and kept, "
                + s.cancelled() + " cancelled" + (bound == null ? "" : "; results bound to " + bound);
    }
}
