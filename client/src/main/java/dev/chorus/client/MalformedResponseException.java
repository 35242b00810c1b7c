package dev.chorus.client;

/**
 * The server answered with a body that is not the JSON or event stream the client expects.
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class MalformedResponseException extends ChorusException {
    public MalformedResponseException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
