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

    /** Shows the progress display of a fan-out of {@code total} rows that has not started. */
    FanOutDisplay(Notebook notebook, String label, int total) {
        this.notebook = notebook;
        this.label = label;
        notebook.display(Displays.withId(ProgressView.display(label, Progress.start(total)), id));
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
                boolean fellBack) {
        notebook.update(id, ProgressView.display(label, last));
        notebook.display(SummaryView.display(result.summary()));
        if (fellBack) {
            notebook.display(Displays.text(FELL_BACK));
        }
        notebook.display(Timeline.of(table.table()).display());
        if (result.cancelled()) {
            notebook.display(Displays.text(interrupted(result, bound)));
        }
        result.checkpointError().ifPresent(e -> notebook.display(Displays.text(
                "checkpoint " + checkpoint + " stopped being written: " + e.getMessage())));
    }

    /** Said once when the server refused json_schema. */
    static final String FELL_BACK = "the server refused response_format json_schema: the rows were asked with"
            + " json_object and the schema in a system message, and each answer was still validated";

    /** The line an interrupted fan-out ends with, also the evalue of the cell's error. */
    static String interrupted(FanOutResult<?, ?> result, String bound) {
        FanOutResult.Summary s = result.summary();
        return "interrupted: " + (s.total() - s.cancelled()) + " of " + s.total() + " rows finished and kept, "
                + s.cancelled() + " cancelled" + (bound == null ? "" : "; results bound to " + bound);
    }
}
