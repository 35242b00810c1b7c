package dev.chorus.client;

/**
 * The call could not reach the server or lost the connection before a complete response.
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class ChorusConnectionException extends ChorusException {
    public ChorusConnectionException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
