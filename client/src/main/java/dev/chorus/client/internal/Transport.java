package dev.chorus.client.internal;

import dev.chorus.client.ChorusException;
import dev.chorus.client.RequestOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Runs one logical request as a chain of OkHttp async attempts with retries: exponential backoff
 * with full jitter (base 0.5 s, cap 8 s), or the server's {@code Retry-After} capped at 60 s.
 *
 * <p>Thread-safe. Attempts run on OkHttp's dispatcher; backoff waits run on short-lived virtual
 * threads. Cancelling a returned future cancels the attempt in flight. {@link #close()} fails
 * waiting retries with {@link dev.chorus.client.ChorusCancelledException}; the owner closes the
 * OkHttp client itself.
 */
public final class Transport implements AutoCloseable {
    static final Duration BASE_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(8);
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /**
     * Calls in flight per connection pool before the next pool is used. OkHttp finds a pooled
     * connection by scanning its pool under a lock per connection, and cleans the pool by
     * scanning it again after each call: a cost per call that grows with the pool. Several
     * smaller pools keep each scan short at fan-out concurrency (hundreds of connections), while
     * a caller with few calls in flight still uses one pool and reuses its connections.
     */
    static final int POOL_CALLS = 32;

    private final OkHttpClient http;
    private final AtomicReferenceArray<Pool> pools;
    private final Sleeper sleeper;
    private final InstantSource clock;
    private final int defaultMaxRetries;
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private final Semaphore blockingSlots;
    private volatile boolean closed;

    /**
     * The outcome of a successful exchange: for a streamed call an open {@code response} the
     * caller must close, otherwise the body bytes.
     */
    public record Reply(Response response, byte[] body, Object value, String requestId, int attempts, Call call) {
    }

    /**
     * Reads a successful body into the value the call returns. A retryable {@link ChorusException}
     * it throws (a truncated body, one that is not what the call expects) is retried like a 5xx.
     */
    @FunctionalInterface
    public interface BodyReader {
        Object read(byte[] body, String requestId, int attempts);
    }

    public Transport(OkHttpClient http, Sleeper sleeper, InstantSource clock, int defaultMaxRetries,
                     int maxConcurrent) {
        this.http = http;
        this.pools = new AtomicReferenceArray<>(Math.max(1, (maxConcurrent + POOL_CALLS - 1) / POOL_CALLS));
        this.pools.set(0, new Pool(http));
        this.blockingSlots = new Semaphore(maxConcurrent);
        this.sleeper = sleeper;
        this.clock = clock;
        this.defaultMaxRetries = defaultMaxRetries;
    }

    /**
     * Starts the request; the future completes with the reply, or exceptionally with a
     * {@link ChorusException} once retries are exhausted or the failure is not retryable.
     *
     * @param call   the call's name for messages, e.g. {@code POST /v1/chat/completions}
     * @param stream whether to hand back the open response instead of reading the body
     */
    public CompletableFuture<Reply> execute(String call, Request request, RequestOptions options, boolean stream) {
        return execute(call, request, options, stream, null);
    }

    /** Like {@link #execute(String, Request, RequestOptions, boolean)}, reading each successful body with {@code reader}. */
    public CompletableFuture<Reply> execute(String call, Request request, RequestOptions options, boolean stream,
                                            BodyReader reader) {
        int maxRetries = options.maxRetries() == null ? defaultMaxRetries : options.maxRetries();
        Exchange exchange = new Exchange(call, request, maxRetries, options.timeout(), stream, reader);
        exchange.attempt();
        return exchange.future;
    }

    /**
     * Like {@link #execute}, but when the caller is a virtual thread the first attempt runs on it
     * (OkHttp's blocking {@code execute()}) instead of hopping to the dispatcher and back: a
     * fan-out item then costs one parked thread, not two, and no future hand-off. Retries, if
     * any, continue as in {@link #execute}. A platform caller gets {@link #execute} as is, since
     * interrupting a platform thread does not stop a blocking socket read.
     *
     * <p>An interrupt of the calling virtual thread closes its socket (the JDK does that for
     * virtual threads); the future then fails with {@link dev.chorus.client.ChorusCancelledException}
     * and the interrupt flag stays set. Blocking attempts in flight are capped at
     * {@code maxConcurrent}, like the dispatcher caps asynchronous ones; waiters queue.
     */
    public CompletableFuture<Reply> executeOnCaller(String call, Request request, RequestOptions options,
                                                    boolean stream, BodyReader reader) {
        if (!Thread.currentThread().isVirtual()) {
            return execute(call, request, options, stream, reader);
        }
        int maxRetries = options.maxRetries() == null ? defaultMaxRetries : options.maxRetries();
        Exchange exchange = new Exchange(call, request, maxRetries, options.timeout(), stream, reader);
        exchange.attemptOnCaller();
        return exchange.future;
    }

    @Override
    public void close() {
        closed = true;
        waiting.forEach(Thread::interrupt);
    }

    /** Closes the idle connections of every pool (the first is the owner's client's own pool). */
    public void evictConnections() {
        for (int i = 0; i < pools.length(); i++) {
            Pool p = pools.get(i);
            if (p != null) {
                p.http.connectionPool().evictAll();
            }
        }
    }

    /** An OkHttp client with its own connection pool, and the attempts in flight on it. */
    private record Pool(OkHttpClient http, AtomicInteger active) {
        Pool(OkHttpClient http) {
            this(http, new AtomicInteger());
        }
    }

    /** The first pool with fewer than {@link #POOL_CALLS} attempts in flight (else the least busy); counts one more. */
    private Pool takePool() {
        Pool least = null;
        for (int i = 0; i < pools.length(); i++) {
            Pool p = pools.get(i);
            if (p == null) {
                Pool fresh = new Pool(http.newBuilder()
                        .connectionPool(new ConnectionPool(POOL_CALLS, 5, TimeUnit.MINUTES)).build());
                p = pools.compareAndSet(i, null, fresh) ? fresh : pools.get(i);
            }
            int active = p.active.get();
            if (active < POOL_CALLS) {
                p.active.incrementAndGet();
                return p;
            }
            if (least == null || active < least.active.get()) {
                least = p;
            }
        }
        least.active.incrementAndGet();
        return least;
    }

    /** The backoff before retry number {@code retry} (1-based): Retry-After when given, else full jitter. */
    static Duration backoff(int retry, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        }
        long ceiling = Math.min(MAX_DELAY.toMillis(), BASE_DELAY.toMillis() << Math.min(retry - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** Parses {@code retry-after-ms}, or {@code Retry-After} in seconds or as an HTTP date; null when absent or bad. */
    static Duration retryAfter(Response response, InstantSource clock) {
        String ms = response.header("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.strip())));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        String value = response.header("Retry-After");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.strip()) * 1000)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException bad) {
                return null;
            }
        }
    }

    private final class Exchange implements Callback {
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        final String name;
        final Request request;
        final int maxRetries;
        final Duration timeout;
        final boolean stream;
        final BodyReader reader;
        volatile Call current;
        volatile int attempts;
        /** The thread running a blocking attempt, while it runs. */
        Thread caller;
        /** The pool of the attempt in flight, until its first callback. */
        volatile Pool pool;

        Exchange(String name, Request request, int maxRetries, Duration timeout, boolean stream, BodyReader reader) {
            this.name = name;
            this.request = request;
            this.maxRetries = maxRetries;
            this.timeout = timeout;
            this.stream = stream;
            this.reader = reader;
            future.whenComplete((r, e) -> {
                Call c = current;
                if (future.isCancelled() && c != null) {
                    c.cancel();
                }
            });
        }

        void attempt() {
            if (future.isDone()) {
                return;
            }
            if (closed) {
                future.completeExceptionally(Failures.cancelled(name, "the client is closed", null));
                return;
            }
            attempts++;
            Call c = newCall();
            current = c;
            if (future.isCancelled()) {
                releasePool();
                return;
            }
            c.enqueue(this);
        }

        /** One attempt on the calling (virtual) thread; its outcome goes where an enqueued one's would. */
        void attemptOnCaller() {
            if (closed) {
                future.completeExceptionally(Failures.cancelled(name, "the client is closed", null));
                return;
            }
            try {
                blockingSlots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.completeExceptionally(Failures.cancelled(name, "the calling thread was interrupted", e));
                return;
            }
            try {
                attempts++;
                Call c = newCall();
                current = c;
                caller = Thread.currentThread();
                Response response;
                try {
                    response = c.execute();
                } catch (IOException e) {
                    onFailure(c, e);
                    return;
                } catch (RuntimeException | Error e) {
                    releasePool();
                    throw e;
                }
                onResponse(c, response);
            } finally {
                caller = null;
                blockingSlots.release();
            }
        }

        private Call newCall() {
            Pool p = takePool();
            pool = p;
            Call c = p.http.newCall(request);
            if (timeout != null) {
                c.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return c;
        }

        /** Ends this attempt's count on its pool; once per attempt, whichever callback comes first. */
        private void releasePool() {
            Pool p = pool;
            if (p != null) {
                pool = null;
                p.active.decrementAndGet();
            }
        }

        @Override
        public void onFailure(Call call, IOException e) {
            releasePool();
            if (future.isDone()) {
                return;
            }
            Thread self = Thread.currentThread();
            if (self == caller && self.isInterrupted() && !closed) {
                // The JDK closed the virtual thread's socket because the thread was interrupted.
                call.cancel();
                future.completeExceptionally(Failures.cancelled(name, "the calling thread was interrupted", e));
                return;
            }
            ChorusException failure = closed ? Failures.cancelled(name, "the client is closed", e)
                    : Failures.fromIo(name, e, call.isCanceled(), timeout, attempts);
            retryOrFail(failure, null);
        }

        @Override
        public void onResponse(Call call, Response response) {
            releasePool();
            String requestId = response.header("x-request-id");
            if (response.isSuccessful()) {
                if (stream) {
                    if (!future.complete(new Reply(response, null, null, requestId, attempts, call))) {
                        response.close();
                    }
                    return;
                }
                byte[] body;
                try (response) {
                    body = response.body().bytes();
                } catch (IOException e) {
                    onFailure(call, e);
                    return;
                }
                Object value = null;
                if (reader != null) {
                    try {
                        value = reader.read(body, requestId, attempts);
                    } catch (ChorusException unreadable) {
                        retryOrFail(Failures.withAttempts(unreadable, attempts), null);
                        return;
                    }
                }
                future.complete(new Reply(null, body, value, requestId, attempts, call));
                return;
            }
            byte[] body;
            try (response) {
                body = errorBody(response.body());
            }
            Duration retryAfter = retryAfter(response, clock);
            retryOrFail(Failures.fromStatus(name, response.code(), requestId, body, retryAfter, attempts), retryAfter);
        }

        private void retryOrFail(ChorusException failure, Duration retryAfter) {
            if (!failure.isRetryable() || attempts > maxRetries || closed || future.isDone()) {
                future.completeExceptionally(failure);
                return;
            }
            Duration delay = backoff(attempts, retryAfter);
            Thread.ofVirtual().name("chorus-retry").start(() -> {
                Thread self = Thread.currentThread();
                waiting.add(self);
                try {
                    if (closed) {
                        throw new InterruptedException();
                    }
                    sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    future.completeExceptionally(Failures.cancelled(name,
                            closed ? "the client is closed" : "interrupted while waiting to retry", failure));
                    return;
                } finally {
                    waiting.remove(self);
                }
                attempt();
            });
        }

        private byte[] errorBody(ResponseBody body) {
            try {
                var source = body.source();
                source.request(MAX_ERROR_BODY);
                var buffer = source.getBuffer();
                return buffer.readByteArray(Math.min(buffer.size(), MAX_ERROR_BODY));
            } catch (IOException e) {
                return new byte[0];
            }
        }
    }
}
