package dev.chorus.magics;

import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.FanOutResult;
import tech.tablesaw.api.Table;

/**
 * A {@code %%fanout --background} run: its engine handle, the table it fills and the variable it
 * is bound to.
 *
 * <p>Thread-safe (the handle is). The session holds the latest one; {@link #cancel()} stops it.
 */
record BackgroundFanOut(FanOutHandle<FanOutMagic.Row, String> handle, Table table, String variable, String label) {

    void cancel() {
        handle.cancel();
    }

    boolean done() {
        return handle.isDone();
    }

    /** The result once done, else null. */
    FanOutResult<FanOutMagic.Row, String> resultIfDone() {
        return handle.isDone() ? handle.await() : null;
    }
}
