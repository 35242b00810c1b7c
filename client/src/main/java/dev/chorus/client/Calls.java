package dev.chorus.client;

import dev.chorus.client.internal.Failures;
import dev.chorus.client.internal.Transport;
import dev.chorus.client.internal.Version;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * What the client's resources share to make a call: the base URL the endpoint paths go under, the
 * request's common headers, the transport (auth, retries, timeouts) and the wait for its answer.
 * Thread-safe.
 */
final class Calls {
    private final HttpUrl baseUrl;
    private final Transport transport;

    Calls(HttpUrl baseUrl, Transport transport) {
        this.baseUrl = baseUrl;
        this.transport = transport;
    }

    Transport transport() {
        return transport;
    }

    /** {@code path} (e.g. {@code files/file-1/content}) under the base URL. */
    HttpUrl endpoint(String path) {
        return baseUrl.newBuilder().addPathSegments(path).build();
    }

    /** A request to {@code url} with the client's headers and the options' own. */
    Request.Builder request(HttpUrl url, RequestOptions options, String accept) {
        Request.Builder r = new Request.Builder().url(url)
                .header("User-Agent", Version.USER_AGENT)
                .header("Accept", accept);
        options.headers().forEach(r::header);
        return r;
    }

    /** Reads a successful answer's body; {@code call} names it in errors. */
    @FunctionalInterface
    interface Reader<T> {
        T read(String call, byte[] body, String requestId);
    }

    /**
     * {@code method url} with {@code body} (null for GET and DELETE) as JSON, answered as JSON and
     * read with {@code reader}: the shape of every files and batches call but the upload and the content.
     */
    <T> T json(String method, HttpUrl url, byte[] body, Reader<T> reader) {
        String call = method + " " + url.encodedPath();
        okhttp3.RequestBody b = body == null ? null : okhttp3.RequestBody.create(body, JSON_TYPE);
        Request http = request(url, RequestOptions.DEFAULT, "application/json").method(method, b).build();
        Transport.Reply r = send(call, http, RequestOptions.DEFAULT);
        return reader.read(call, r.body(), r.requestId());
    }

    private static final okhttp3.MediaType JSON_TYPE = okhttp3.MediaType.get("application/json");

    /** Sends {@code request} (retried as every call is) and waits for its whole answer. */
    Transport.Reply send(String call, Request request, RequestOptions options) {
        return await(transport.executeOnCaller(call, request, options, false, null), call);
    }

    /** Sends {@code request} and waits for the answer's headers; the caller reads and closes its body. */
    Transport.Reply open(String call, Request request, RequestOptions options) {
        return await(transport.executeOnCaller(call, request, options, true, null), call);
    }

    /** Waits for a call: an interrupt cancels it, a failure is thrown as the {@link ChorusException} it is. */
    static <T> T await(CompletableFuture<T> future, String call) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw Failures.cancelled(call, "the calling thread was interrupted", e);
        } catch (CancellationException e) {
            throw Failures.cancelled(call, "the call was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ChorusException(call + " failed: " + cause, 0, null, null, false, cause);
        }
    }
}
