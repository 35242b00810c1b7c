package dev.chorus.client.fanout;

import dev.chorus.client.ChorusException;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.RateLimitException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The default retry decision and the backoff computation of the engine. An invalid answer is
 * retried at once: the server is fine, the answer was not.
 */
final class Retries {

    private Retries() {
    }

    /**
     * True for failures worth another attempt: the first {@link ChorusException} in the cause chain
     * decides by {@link ChorusException#isRetryable()}; without one, an IOException or a timeout in
     * the chain is retryable.
     */
    static boolean isRetryable(Throwable t) {
        ChorusException ce = cause(t, ChorusException.class);
        if (ce != null) {
            return ce.isRetryable();
        }
        return cause(t, IOException.class) != null || cause(t, TimeoutException.class) != null;
    }

    /** True when the server answered, but not what was asked for: asked again at once, without backoff. */
    static boolean isInvalidAnswer(Throwable t) {
        return cause(t, InvalidAnswerException.class) != null;
    }

    /** The wait a server asked for, if the failure carries one. */
    static Duration retryAfter(Throwable t) {
        RateLimitException rl = cause(t, RateLimitException.class);
        return rl == null ? null : rl.retryAfter().orElse(null);
    }

    /** The first throwable of {@code type} in the cause chain of {@code t} (itself included), or null. */
    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Full backoff before attempt {@code attempt + 1}: exponential, capped, jittered, at least the server's Retry-After. */
    static long backoffNanos(int attempt, Duration initial, Duration max, Throwable failure) {
        if (isInvalidAnswer(failure)) {
            return 0;
        }
        long base = initial.toNanos();
        long cap = max.toNanos();
        long exp = attempt >= 62 ? cap : Math.min(cap, base << Math.min(attempt - 1, 30));
        if (exp < 0) {
            exp = cap;
        }
        long jittered = exp <= 1 ? exp : exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
        Duration asked = retryAfter(failure);
        return asked == null ? jittered : Math.max(jittered, asked.toNanos());
    }
}
