package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.FanOutResult;
import tech.tablesaw.api.Table;

/**
 * A {@code %%fanout --background} run: its engine handle, the result table it fills and the variable
 * that table is bound to.
 *
 * <p>Thread-safe (the handle and the result table are). The session holds the latest one;
 * {@link #cancel()} stops it.
 */
record BackgroundFanOut(FanOutHandle<FanOutJob.Row, FanOutJob.Answer> handle, ResultTable results, String variable,
                        String label, FanOutJob job) {

    void cancel() {
        handle.cancel();
    }

    boolean done() {
        return handle.isDone();
    }

    Table table() {
        return results.table();
    }

    /** The result once done, else null. */
    FanOutResult<FanOutJob.Row, FanOutJob.Answer> resultIfDone() {
        return handle.isDone() ? handle.await() : null;
    }
}
