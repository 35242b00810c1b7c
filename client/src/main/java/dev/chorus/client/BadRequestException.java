package dev.chorus.client;

/**
 * The server rejected the request (HTTP 400, 404, 409, 422 or another 4xx).
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class BadRequestException extends ChorusException {
    public BadRequestException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
