package dev.chorus.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Authenticates with cloud.ru Evolution IAM: exchanges a key id and secret for a bearer token at
 * the token URL, caches it, refreshes it 30 s before it expires, and on a 401 or 403 fetches a new
 * token and retries the request once.
 *
 * <p>Thread-safe. However many requests find the token missing or stale, one of them fetches it
 * (on its own dispatcher thread, holding a lock) while the others wait for that result. A failed
 * token request surfaces as the {@link dev.chorus.client.ChorusException} of the token call,
 * wrapped in {@link ChorusIOException}. Neither secret nor token appears in messages or
 * {@link #toString()}.
 */
public final class EvolutionAuth implements Interceptor {
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);
    private static final MediaType JSON = MediaType.get("application/json");

    private final String keyId;
    private final String secret;
    private final HttpUrl tokenUrl;
    private final String callName;
    private final OkHttpClient http;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Cached current;

    private record Cached(String header, Instant refreshAt) {
    }

    /**
     * @param http the client for token requests; it must not contain this interceptor
     */
    public EvolutionAuth(String keyId, String secret, HttpUrl tokenUrl, OkHttpClient http, InstantSource clock) {
        this.keyId = keyId;
        this.secret = secret;
        this.tokenUrl = tokenUrl;
        this.callName = "POST " + tokenUrl.encodedPath();
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.header("Authorization") != null) {
            return chain.proceed(request);
        }
        Cached used = token(null);
        Response response = chain.proceed(request.newBuilder().header("Authorization", used.header()).build());
        if (response.code() != 401 && response.code() != 403) {
            return response;
        }
        response.close();
        Cached fresh = token(used);
        return chain.proceed(request.newBuilder().header("Authorization", fresh.header()).build());
    }

    /** A valid token that is not {@code rejected}; fetches one when needed, one fetch at a time. */
    private Cached token(Cached rejected) throws IOException {
        Cached c = current;
        if (usable(c, rejected)) {
            return c;
        }
        lock.lock();
        try {
            c = current;
            if (usable(c, rejected)) {
                return c;
            }
            c = fetch();
            current = c;
            return c;
        } finally {
            lock.unlock();
        }
    }

    private boolean usable(Cached c, Cached rejected) {
        return c != null && c != rejected && clock.instant().isBefore(c.refreshAt());
    }

    private Cached fetch() throws IOException {
        byte[] body;
        try (var g = new java.io.ByteArrayOutputStream(128);
             var json = Json.FACTORY.createGenerator(g)) {
            json.writeStartObject();
            json.writeStringField("keyId", keyId);
            json.writeStringField("secret", secret);
            json.writeEndObject();
            json.flush();
            body = g.toByteArray();
        }
        Request request = new Request.Builder().url(tokenUrl)
                .header("User-Agent", Version.USER_AGENT)
                .header("Accept", "application/json")
                .post(RequestBody.create(body, JSON))
                .build();
        Instant sentAt = clock.instant();
        try (Response response = http.newCall(request).execute()) {
            String requestId = response.header("x-request-id");
            byte[] bytes = response.body().bytes();
            if (!response.isSuccessful()) {
                throw new ChorusIOException(Failures.fromStatus(callName, response.code(), requestId, bytes, null, 1));
            }
            Json.Token token = Json.token(callName, bytes, requestId);
            Duration life = Duration.ofSeconds(token.expiresIn() > 0 ? token.expiresIn() : 3600);
            // A token shorter-lived than twice the margin is refreshed at half its life instead.
            Duration margin = life.compareTo(REFRESH_MARGIN.multipliedBy(2)) < 0 ? life.dividedBy(2) : REFRESH_MARGIN;
            return new Cached("Bearer " + token.accessToken(), sentAt.plus(life).minus(margin));
        } catch (ChorusIOException e) {
            throw e;
        } catch (dev.chorus.client.ChorusException e) {
            throw new ChorusIOException(e);
        } catch (IOException e) {
            throw new ChorusIOException(Failures.fromIo(callName, e, false, null, 1));
        }
    }

    @Override
    public String toString() {
        return "evolution key_id=" + Secrets.mask(keyId) + " tokenUrl=" + tokenUrl;
    }
}
