package dev.chorus.client.fanout;

/**
 * Receives each item of a fan-out the moment it ends: the way to fill a result table, a cache or a
 * log incrementally, without scanning the whole run.
 *
 * <p>Threading: called exactly once per input, on the thread that ended it: the item's own virtual
 * thread, the thread calling {@link FanOut#start} for items resumed from a checkpoint, or the
 * engine's finishing thread for items that never ran or were stopped. Calls for different items
 * overlap, so the listener must be thread-safe, and it must return quickly: the item's concurrency
 * slot is held until it returns. Every call has returned before the final {@link Progress} snapshot
 * is sent and before the run's result is available. Exceptions it throws are swallowed so they
 * cannot stop the fan-out.
 */
@FunctionalInterface
public interface ItemListener<I, R> {
    /** Called with the item's final result. */
    void onItem(ItemResult<I, R> result);
}
