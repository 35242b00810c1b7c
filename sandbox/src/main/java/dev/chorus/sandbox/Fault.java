package dev.chorus.sandbox;

import java.util.Locale;

/**
 * A kind of failure the sandbox can inject into a request instead of answering it normally.
 *
 * <p>Each kind has a short name, used in the {@code X-Sandbox-Fault} request header and on the
 * command line: {@code 429}, {@code 500}, {@code 503}, {@code hang}, {@code malformed},
 * {@code drop}, {@code invalid-json}. Constants are immutable and thread-safe.
 */
public enum Fault {
    /** {@code 429 Too Many Requests} with a {@code Retry-After} header (whole seconds) and OpenAI error JSON. */
    RATE_LIMIT_429("429"),
    /** {@code 500 Internal Server Error} with OpenAI error JSON. */
    SERVER_500("500"),
    /** {@code 503 Service Unavailable} with OpenAI error JSON. */
    UNAVAILABLE_503("503"),
    /** The request is held without an answer until the behaviour's hang limit, then the connection is closed. */
    HANG("hang"),
    /** {@code 200 OK} whose body is truncated, syntactically broken JSON. */
    MALFORMED_JSON("malformed"),
    /** Response headers and part of the body are written, then the connection is closed. */
    DROP_CONNECTION("drop"),
    /**
     * {@code 200 OK} with a well-formed completion whose content breaks the requested format: text
     * that is not JSON, or JSON that misses a required field or has a wrong type.
     */
    INVALID_JSON("invalid-json");

    /** The short names, comma-separated, as error messages list them. */
    public static final String NAMES = "429, 500, 503, hang, malformed, drop, invalid-json";

    private final String shortName;

    Fault(String shortName) {
        this.shortName = shortName;
    }

    /** The short name used by the {@code X-Sandbox-Fault} header and the command line, e.g. {@code "429"}. */
    public String shortName() {
        return shortName;
    }

    /**
     * Returns the fault with the given short name or constant name, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} matches none
     */
    public static Fault parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Fault f : values()) {
            if (f.shortName.equals(t) || f.name().toLowerCase(Locale.ROOT).equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown fault '" + text + "' (expected one of " + NAMES + ")");
    }
}
