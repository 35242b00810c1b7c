package dev.chorus.client.internal;

import java.time.Duration;

/**
 * Waits out a retry backoff; tests pass a recording one instead of sleeping.
 *
 * <p>Called on a virtual thread owned by the retry loop; an implementation may block and must
 * answer interruption with {@link InterruptedException}.
 */
@FunctionalInterface
public interface Sleeper {
    /** The real one: {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
