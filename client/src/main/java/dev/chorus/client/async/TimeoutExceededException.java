package dev.chorus.client.async;

import java.time.Duration;

/**
 * Thrown when a block of work, a task group or a wait ran past its deadline.
 *
 * <p>Threading: thrown on the thread that owned the deadline (the one that opened the
 * {@link Timeout}, or joined the {@link TaskGroup}); the interrupt that the deadline caused has
 * already been consumed, so the thread's interrupt flag is clear.
 *
 * <p>Who closes it: nothing to close. How it fails: it is the failure; when the timed-out block
 * itself ended with an exception (typically the {@link InterruptedException} or
 * {@link java.io.InterruptedIOException} raised by the interrupt), that exception is the cause.
 *
 * <p>Python counterpart: {@code TimeoutError} raised by {@code asyncio.timeout},
 * {@code asyncio.timeout_at} and {@code asyncio.wait_for}. It is unchecked, unlike
 * {@link java.util.concurrent.TimeoutException}, so it can leave a lambda.
 */
public class TimeoutExceededException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message says what timed out and what the limit was
     * @param cause   the exception the timed-out work ended with, or {@code null}
     */
    public TimeoutExceededException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Formats a duration for people: {@code 250 ms}, {@code 2 s}, {@code 1.5 s}, {@code 3 min}. */
    static String describe(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "0 ms";
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return d.toNanos() / 1000 + " µs";
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0).replaceAll("0+ s$", " s");
    }
}
