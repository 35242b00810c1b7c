package dev.chorus.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-request overrides of the client's settings: retries, a timeout for each attempt, and extra
 * HTTP headers.
 *
 * <p>Immutable and thread-safe; build it with {@link #builder()}. Null fields mean "use the
 * client's setting".
 *
 * @param maxRetries retries after the first attempt, or null for the client's default
 * @param timeout    whole-call timeout of each attempt (connect, write, server time, read), or null
 * @param headers    extra headers sent with the request
 */
public record RequestOptions(Integer maxRetries, Duration timeout, Map<String, String> headers) {
    /** No overrides. */
    public static final RequestOptions DEFAULT = new RequestOptions(null, null, Map.of());

    public RequestOptions {
        headers = Map.copyOf(headers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the overrides; not thread-safe. */
    public static final class Builder {
        private Integer maxRetries;
        private Duration timeout;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public RequestOptions build() {
            return new RequestOptions(maxRetries, timeout, headers);
        }
    }
}
