package dev.chorus.client;

/**
 * The base of every failure of a {@link ChatClient} call: unchecked, with the HTTP status (0 when
 * the call never got one), the server's request id and error message when it sent them, and
 * whether retrying may help.
 *
 * <p>The message names the call ({@code POST /v1/chat/completions failed: ...}) and never contains
 * a secret. Immutable after construction.
 */
public class ChorusException extends RuntimeException {
    private final int status;
    private final String requestId;
    private final String serverMessage;
    private final boolean retryable;

    public ChorusException(String message, int status, String requestId, String serverMessage, boolean retryable,
                           Throwable cause) {
        super(message, cause);
        this.status = status;
        this.requestId = requestId;
        this.serverMessage = serverMessage;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when the call got no response. */
    public int status() {
        return status;
    }

    /** The {@code x-request-id} header of the failed response, or null. */
    public String requestId() {
        return requestId;
    }

    /** The server's own error text ({@code error.message} of an OpenAI error body), or null. */
    public String serverMessage() {
        return serverMessage;
    }

    /** Whether the client retries this failure (408, 409, 429, 5xx, connection failures and timeouts). */
    public boolean isRetryable() {
        return retryable;
    }
}
