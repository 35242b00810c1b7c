package dev.chorus.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The server refused the request for now (HTTP 429); {@link #retryAfter()} is its
 * {@code Retry-After} when it sent one.
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class RateLimitException extends ChorusException {
    private final Duration retryAfter;

    public RateLimitException(String message, String requestId, String serverMessage, Duration retryAfter) {
        super(message, 429, requestId, serverMessage, true, null);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked the client to wait, uncapped, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
