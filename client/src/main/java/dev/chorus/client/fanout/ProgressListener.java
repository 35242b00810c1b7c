package dev.chorus.client.fanout;

/**
 * Receives {@link Progress} snapshots of a fan-out.
 *
 * <p>Threading: called from one engine thread (the progress ticker) at most about every 100 ms
 * while the fan-out runs, then exactly once more with {@link Progress#finished()} true, after
 * every item has ended and before {@code run} returns or the handle completes. Calls never
 * overlap. The listener must return quickly: while it runs no new snapshot is taken (items keep
 * running). Exceptions it throws are swallowed so they cannot stop the fan-out.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Called with the latest snapshot. */
    void onProgress(Progress progress);
}
