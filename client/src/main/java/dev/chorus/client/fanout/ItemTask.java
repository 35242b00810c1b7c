package dev.chorus.client.fanout;

/**
 * The work done for one input of a fan-out.
 *
 * <p>Threading: called on the item's own virtual thread, once per attempt; blocking is expected
 * and cheap. The task must give up promptly when its thread is interrupted (that is how timeouts,
 * the deadline and cancellation reach it): blocking JDK calls and the Chorus client do.
 *
 * <p>Failure: any exception is recorded in the item's {@link ItemResult}; the engine decides
 * whether to retry it.
 */
@FunctionalInterface
public interface ItemTask<I, R> {
    /** Computes the value for {@code input}. */
    R call(I input, ItemContext context) throws Exception;
}
