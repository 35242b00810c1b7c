package dev.chorus.client;

/**
 * The server failed (HTTP 5xx) or reported an error in the middle of a stream.
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class ServerException extends ChorusException {
    public ServerException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
