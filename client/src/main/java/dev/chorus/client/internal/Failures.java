package dev.chorus.client.internal;

import dev.chorus.client.AuthenticationException;
import dev.chorus.client.BadRequestException;
import dev.chorus.client.ChorusCancelledException;
import dev.chorus.client.ChorusConnectionException;
import dev.chorus.client.ChorusException;
import dev.chorus.client.ChorusTimeoutException;
import dev.chorus.client.MalformedResponseException;
import dev.chorus.client.RateLimitException;
import dev.chorus.client.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Turns HTTP statuses and I/O failures into the client's exceptions, with messages that name the
 * call ({@code POST /v1/chat/completions failed: 429 Too Many Requests: slow down (request id r-1),
 * after 3 attempts}).
 *
 * <p>Stateless and thread-safe. Messages are built only from the status, the server's error text,
 * the request id and exception class names, never from request headers, so no secret reaches them.
 */
public final class Failures {
    private Failures() {
    }

    /** The exception for a non-2xx response; {@code body} may be empty. */
    public static ChorusException fromStatus(String call, int status, String requestId, byte[] body,
                                             Duration retryAfter, int attempts) {
        String serverMessage = Json.errorMessage(body);
        StringBuilder m = new StringBuilder(call).append(" failed: ").append(status);
        String reason = reason(status);
        if (reason != null) {
            m.append(' ').append(reason);
        }
        if (serverMessage != null) {
            m.append(": ").append(serverMessage);
        }
        if (requestId != null) {
            m.append(" (request id ").append(requestId).append(')');
        }
        String message = m.append(attempts(attempts)).toString();
        if (status == 401 || status == 403) {
            return new AuthenticationException(message, status, requestId, serverMessage, false, null);
        }
        if (status == 429) {
            return new RateLimitException(message, requestId, serverMessage, retryAfter);
        }
        if (status == 408) {
            return new ChorusTimeoutException(message, status, requestId, serverMessage, true, null);
        }
        if (status >= 500) {
            return new ServerException(message, status, requestId, serverMessage, true, null);
        }
        if (status >= 400) {
            return new BadRequestException(message, status, requestId, serverMessage, status == 409, null);
        }
        // 1xx/3xx that OkHttp did not follow: nothing the client can use.
        return new MalformedResponseException(message + " (unexpected status)", status, requestId, serverMessage,
                false, null);
    }

    /**
     * The exception for a call that got no usable response.
     *
     * @param cancelled whether the call was cancelled by the caller (and not by a timeout)
     * @param timeout   the per-attempt timeout in force, or null
     */
    public static ChorusException fromIo(String call, IOException e, boolean cancelled, Duration timeout,
                                         int attempts) {
        if (e instanceof ChorusIOException wrapped) {
            return withAttempts(wrapped.failure(), attempts);
        }
        if (isTimeout(e)) {
            String after = timeout == null ? "" : " after " + human(timeout);
            return new ChorusTimeoutException(call + " failed: timed out" + after + " (" + describe(e) + ")"
                    + attempts(attempts), 0, null, null, true, e);
        }
        if (cancelled) {
            return cancelled(call, "the call was cancelled", e);
        }
        String what = e instanceof ConnectException ? "could not connect" : "connection failed";
        return new ChorusConnectionException(call + " failed: " + what + " (" + describe(e) + ")" + attempts(attempts),
                0, null, null, true, e);
    }

    /** The same failure with {@code , after N attempts} appended to its message (for failures raised inside an attempt). */
    static ChorusException withAttempts(ChorusException e, int attempts) {
        if (attempts <= 1) {
            return e;
        }
        String m = e.getMessage() + attempts(attempts);
        int s = e.status();
        String id = e.requestId();
        String sm = e.serverMessage();
        boolean r = e.isRetryable();
        return switch (e) {
            case RateLimitException rl -> new RateLimitException(m, id, sm, rl.retryAfter().orElse(null));
            case AuthenticationException x -> new AuthenticationException(m, s, id, sm, r, e.getCause());
            case ChorusTimeoutException x -> new ChorusTimeoutException(m, s, id, sm, r, e.getCause());
            case ChorusConnectionException x -> new ChorusConnectionException(m, s, id, sm, r, e.getCause());
            case ServerException x -> new ServerException(m, s, id, sm, r, e.getCause());
            case BadRequestException x -> new BadRequestException(m, s, id, sm, r, e.getCause());
            case MalformedResponseException x -> new MalformedResponseException(m, s, id, sm, r, e.getCause());
            case ChorusCancelledException x -> x;
            default -> new ChorusException(m, s, id, sm, r, e.getCause());
        };
    }

    public static ChorusCancelledException cancelled(String call, String why, Throwable cause) {
        return new ChorusCancelledException(call + " cancelled: " + why, 0, null, null, false, cause);
    }

    public static MalformedResponseException malformed(String call, int status, String requestId, String problem,
                                                       Throwable cause) {
        String id = requestId == null ? "" : ", request id " + requestId;
        // Retryable: a truncated body or one that is not what the call expects is what a proxy or
        // a server under load sends now and then, like a 5xx.
        return new MalformedResponseException(call + " failed: malformed response (" + status + id + "): " + problem,
                status, requestId, null, true, cause);
    }

    static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        return msg == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + msg;
    }

    static String attempts(int attempts) {
        return attempts > 1 ? ", after " + attempts + " attempts" : "";
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> null;
        };
    }
}
