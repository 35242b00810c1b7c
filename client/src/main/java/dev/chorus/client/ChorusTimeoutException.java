package dev.chorus.client;

/**
 * The call timed out (a per-attempt timeout, or HTTP 408).
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class ChorusTimeoutException extends ChorusException {
    public ChorusTimeoutException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
