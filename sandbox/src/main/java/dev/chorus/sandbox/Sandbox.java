package dev.chorus.sandbox;

import dev.chorus.sandbox.internal.Server;
import java.util.Objects;

/**
 * An embedded OpenAI-compatible, Evolution-IAM and httpbin-style HTTP server on 127.0.0.1, with
 * deterministic answers and seeded latency and fault injection, for offline notebooks, demos and
 * tests.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.start()) {
 *     String base = sb.baseUrl();          // http://127.0.0.1:PORT/v1
 *     // POST base + "/chat/completions" answers "Echo: " + the last user message
 * }
 * }</pre>
 *
 * <p>Threading: requests are served by a few daemon event-loop threads owned by this object;
 * delays are scheduled on them, never slept. All methods are thread-safe; {@link #behavior(Behavior)}
 * takes effect for requests received afterwards.
 *
 * <p>Who closes: the caller, with {@link #close()} (try-with-resources). Closing drops every
 * connection (including hung ones), frees the port and waits for the server threads to end.
 *
 * <p>How it fails: {@link #start(Behavior)} throws {@link java.io.UncheckedIOException} when the
 * port cannot be bound. Request-level failures are answered to the client, never thrown here.
 */
public final class Sandbox implements AutoCloseable {

    private final Server server;

    private Sandbox(Server server) {
        this.server = server;
    }

    /** Starts a sandbox with {@link Behavior#DEFAULT} on a free port. */
    public static Sandbox start() {
        return start(Behavior.DEFAULT);
    }

    /**
     * Starts a sandbox with the given behaviour and returns once it accepts connections.
     *
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public static Sandbox start(Behavior behavior) {
        return new Sandbox(Server.start(Objects.requireNonNull(behavior, "behavior")));
    }

    /** The bound TCP port on 127.0.0.1. */
    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:PORT}: the root of the httpbin-style routes. */
    public String rootUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:PORT/v1}: the OpenAI-compatible base URL. */
    public String baseUrl() {
        return rootUrl() + "/v1";
    }

    /** {@code http://127.0.0.1:PORT/api/v1/auth/token}: the Evolution IAM token endpoint. */
    public String tokenUrl() {
        return rootUrl() + "/api/v1/auth/token";
    }

    /** The IAM key id the token endpoint accepts. */
    public String keyId() {
        return server.behavior().keyId();
    }

    /** The IAM secret the token endpoint accepts. */
    public String secret() {
        return server.behavior().secret();
    }

    /** The current behaviour. */
    public Behavior behavior() {
        return server.behavior();
    }

    /**
     * Replaces the behaviour for requests received from now on; requests already delayed or
     * streaming keep the old one. The port cannot change at run time: its value is ignored.
     * Issued tokens stay valid until their own expiry.
     */
    public void behavior(Behavior behavior) {
        server.behavior(Objects.requireNonNull(behavior, "behavior"));
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        return server.counters().snapshot();
    }

    /** Sets every counter to zero (in-flight requests are still tracked). */
    public void resetStats() {
        server.counters().reset();
    }

    /** Stops the server: closes every connection, frees the port, ends its threads. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "Sandbox[" + baseUrl() + "]";
    }
}
