package dev.chorus.client.fanout;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A fan-out running in the background, from {@link FanOut#start}.
 *
 * <p>Threading: every method may be called from any thread at any time. The fan-out runs on its
 * own engine threads and does not need the caller.
 *
 * <p>Closing: {@link #close()} cancels and waits, so a try-with-resources block never leaves
 * threads behind. A handle that is never closed still ends on its own when its items end.
 */
public interface FanOutHandle<I, R> extends AutoCloseable {

    /** The latest snapshot (computed now). */
    Progress progress();

    /**
     * Stops the fan-out: no new item starts, running items are interrupted and end
     * {@link ItemStatus#CANCELLED}. Returns at once; {@link #await()} gives the result.
     */
    void cancel();

    /**
     * Stops starting items: a request in flight finishes (a retry of it is not made: that item ends
     * {@link ItemStatus#CANCELLED}, "{@code reason}; not retried"), an item waiting for a slot or a
     * rate permit sends nothing, and every item not started ends {@link ItemStatus#CANCELLED} with
     * "{@code reason}; not started". The result's {@code cancelled()} is true when an item was left
     * out. A {@link #cancel()} or the deadline afterwards still interrupts what runs. An item asleep
     * in a retry backoff ends when its wait does. Returns at once.
     */
    void stopStarting(String reason);

    /** True once the result is ready. */
    boolean isDone();

    /**
     * Waits for the result. If the waiting thread is interrupted, the fan-out is cancelled, the
     * result (finished items kept, the rest {@link ItemStatus#CANCELLED}) is still returned, and
     * the thread's interrupt flag is set again.
     */
    FanOutResult<I, R> await();

    /** Waits at most {@code timeout}; returns null if the fan-out has not ended by then. Interrupts as {@link #await()}. */
    FanOutResult<I, R> await(Duration timeout);

    /** Completes with the result when the fan-out ends (completion runs on an engine thread: do not block in it). */
    CompletionStage<FanOutResult<I, R>> completion();

    /** Cancels and waits for the result. */
    @Override
    void close();
}
