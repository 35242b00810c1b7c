package dev.chorus.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Sandbox} behaves: its port, injected latency and faults, IAM credentials and token
 * lifetime.
 *
 * <p>Latency, jitter and random faults apply to the OpenAI routes ({@code /v1/...}); the
 * {@code X-Sandbox-*} request headers apply to every route. For the n-th OpenAI request
 * (counted from 0 since the server started) the decision is a pure function of
 * {@code (seed, n)}: the same seed and the same request sequence give the same faults and
 * delays. A request fails with probability {@code failRate}; its kind is drawn uniformly from
 * {@code faults}. Its delay is {@code latency} plus a uniform offset in {@code [-jitter, +jitter]},
 * never below zero.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the secret. The compact
 * constructor throws {@link IllegalArgumentException} for a value out of range.
 *
 * @param port          TCP port on 127.0.0.1; 0 picks a free port
 * @param latency       base delay before each OpenAI answer
 * @param jitter        random spread added to {@code latency}, uniform in {@code [-jitter, +jitter]}
 * @param chunkDelay    pause between streamed (SSE) chunks
 * @param failRate      probability in {@code [0, 1]} that an OpenAI request gets a fault
 * @param faults        the kinds a random failure draws from (default 429, 500, 503)
 * @param retryAfter    the {@code Retry-After} sent with a 429 (rounded up to whole seconds)
 * @param seed          seed of the fault and jitter draws
 * @param tokenLifetime lifetime of IAM access tokens
 * @param keyId         the IAM key id the token endpoint accepts
 * @param secret        the IAM secret the token endpoint accepts
 * @param requireAuth   whether the OpenAI routes demand a valid bearer token
 * @param hangLimit     how long a {@link Fault#HANG} holds the request before closing the connection
 * @param jsonSchema    whether {@code response_format} json_schema is honoured; when false such a request
 *                      gets a 400 naming response_format, as servers without structured outputs answer
 * @param batchRate     lines per second a batch ({@code /v1/batches}) works through, over all batches
 */
public record Behavior(int port, Duration latency, Duration jitter, Duration chunkDelay,
                       double failRate, List<Fault> faults, Duration retryAfter, long seed,
                       Duration tokenLifetime, String keyId, String secret, boolean requireAuth,
                       Duration hangLimit, boolean jsonSchema, double batchRate) {

    /** The default IAM key id. */
    public static final String DEFAULT_KEY_ID = "sandbox-key-id";
    /** The default IAM secret (not a real secret: the sandbox only runs on loopback). */
    public static final String DEFAULT_SECRET = "sandbox-secret";

    /** Any free port, no latency, no faults, default credentials, one-hour tokens, auth required. */
    public static final Behavior DEFAULT = builder().build();

    public Behavior {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        nonNegative("latency", latency);
        nonNegative("jitter", jitter);
        nonNegative("chunkDelay", chunkDelay);
        nonNegative("retryAfter", retryAfter);
        nonNegative("hangLimit", hangLimit);
        nonNegative("tokenLifetime", tokenLifetime);
        if (!(batchRate > 0) || Double.isInfinite(batchRate)) {
            throw new IllegalArgumentException("batchRate must be a positive number of lines per second, was " + batchRate);
        }
        if (!(failRate >= 0 && failRate <= 1)) {
            throw new IllegalArgumentException("failRate must be in [0, 1], was " + failRate);
        }
        Objects.requireNonNull(faults, "faults");
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("faults must name at least one fault kind");
        }
        // Sorted and without duplicates, so that the n-th draw maps to the same kind however
        // the caller listed them.
        faults = List.copyOf(EnumSet.copyOf(faults));
        if (keyId == null || keyId.isEmpty()) {
            throw new IllegalArgumentException("keyId must not be empty");
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }

    /** A builder holding the defaults of {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this behaviour's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port;
        b.latency = latency;
        b.jitter = jitter;
        b.chunkDelay = chunkDelay;
        b.failRate = failRate;
        b.faults = new ArrayList<>(faults);
        b.retryAfter = retryAfter;
        b.seed = seed;
        b.tokenLifetime = tokenLifetime;
        b.keyId = keyId;
        b.secret = secret;
        b.requireAuth = requireAuth;
        b.hangLimit = hangLimit;
        b.jsonSchema = jsonSchema;
        b.batchRate = batchRate;
        return b;
    }

    @Override
    public String toString() {
        return "Behavior[port=" + port + ", latency=" + latency + ", jitter=" + jitter
                + ", chunkDelay=" + chunkDelay + ", failRate=" + failRate + ", faults=" + faults
                + ", retryAfter=" + retryAfter + ", seed=" + seed + ", tokenLifetime=" + tokenLifetime
                + ", keyId=" + keyId + ", secret=***, requireAuth=" + requireAuth
                + ", hangLimit=" + hangLimit + ", jsonSchema=" + jsonSchema + ", batchRate=" + batchRate + "]";
    }

    /** Builds a {@link Behavior}; not thread-safe, {@link #build()} validates. */
    public static final class Builder {
        private int port;
        private Duration latency = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private Duration chunkDelay = Duration.ZERO;
        private double failRate;
        private List<Fault> faults = List.of(Fault.RATE_LIMIT_429, Fault.SERVER_500, Fault.UNAVAILABLE_503);
        private Duration retryAfter = Duration.ofSeconds(1);
        private long seed = 1;
        private Duration tokenLifetime = Duration.ofHours(1);
        private String keyId = DEFAULT_KEY_ID;
        private String secret = DEFAULT_SECRET;
        private boolean requireAuth = true;
        private Duration hangLimit = Duration.ofSeconds(120);
        private boolean jsonSchema = true;
        private double batchRate = 1000;

        private Builder() {
        }

        /** TCP port on 127.0.0.1; 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Base delay before each OpenAI answer (default 0). */
        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** Random spread around the latency (default 0). */
        public Builder jitter(Duration jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Pause between streamed chunks (default 0). */
        public Builder chunkDelay(Duration chunkDelay) {
            this.chunkDelay = chunkDelay;
            return this;
        }

        /** Probability that an OpenAI request gets a fault (default 0). */
        public Builder failRate(double failRate) {
            this.failRate = failRate;
            return this;
        }

        /** The kinds a random failure draws from (default 429, 500, 503). */
        public Builder faults(Fault... faults) {
            this.faults = List.of(faults);
            return this;
        }

        /** The kinds a random failure draws from (default 429, 500, 503). */
        public Builder faults(List<Fault> faults) {
            this.faults = List.copyOf(faults);
            return this;
        }

        /** The {@code Retry-After} of a 429 (default 1 s). */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /** Seed of the fault and jitter draws (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Lifetime of issued IAM tokens (default 1 h). */
        public Builder tokenLifetime(Duration tokenLifetime) {
            this.tokenLifetime = tokenLifetime;
            return this;
        }

        /** The IAM credentials the token endpoint accepts (default sandbox-key-id / sandbox-secret). */
        public Builder credentials(String keyId, String secret) {
            this.keyId = keyId;
            this.secret = secret;
            return this;
        }

        /** Whether the OpenAI routes demand a bearer token (default true). */
        public Builder requireAuth(boolean requireAuth) {
            this.requireAuth = requireAuth;
            return this;
        }

        /** How long a hang holds a request before the connection is closed (default 120 s). */
        public Builder hangLimit(Duration hangLimit) {
            this.hangLimit = hangLimit;
            return this;
        }

        /** Whether json_schema response formats are honoured (default true; false refuses them with a 400). */
        public Builder jsonSchema(boolean jsonSchema) {
            this.jsonSchema = jsonSchema;
            return this;
        }

        /** Lines per second a batch works through, over all batches at once (default 1000). */
        public Builder batchRate(double batchRate) {
            this.batchRate = batchRate;
            return this;
        }

        /** @throws IllegalArgumentException for a value out of range */
        public Behavior build() {
            return new Behavior(port, latency, jitter, chunkDelay, failRate, faults, retryAfter, seed,
                    tokenLifetime, keyId, secret, requireAuth, hangLimit, jsonSchema, batchRate);
        }
    }
}
