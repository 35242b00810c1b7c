package dev.chorus.client;

/**
 * The call was cancelled: its future was cancelled, its stream closed, its thread interrupted or its client closed.
 *
 * <p>See {@link ChorusException} for what every failure carries.
 */
public class ChorusCancelledException extends ChorusException {
    public ChorusCancelledException(String message, int status, String requestId, String serverMessage, boolean retryable,
            Throwable cause) {
        super(message, status, requestId, serverMessage, retryable, cause);
    }
}
