package dev.chorus.client;

/**
 * The server or the IAM token endpoint rejected the credentials (HTTP 401 or 403).
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class AuthenticationException extends ChorusException {
    public AuthenticationException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
