package dev.chorus.client.fanout;

import dev.chorus.client.async.RateLimiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs one task over a list of inputs in parallel, under a concurrency limit, a requests-per-second
 * limit, retries, per-item timeouts and an overall deadline, and returns one result per input in
 * input order.
 *
 * <p>Threading: one virtual thread per concurrency slot takes the inputs one after the other, so a
 * list of 20,000 inputs costs 20,000 small result records and {@code concurrency} threads. One
 * coordinator thread finishes the run, one ticker thread calls the {@link ProgressListener}, one
 * timer thread (only with a per-item timeout or a deadline) fires timeouts; each finished item is
 * pushed to the {@link ItemListener} on its own thread. A
 * {@code FanOut} is immutable and may be reused for many runs, also concurrently; the rate
 * limiter, when given, is shared by all those runs.
 *
 * <p>Failure: per-item failures are data ({@link ItemResult#status()} and {@link ItemResult#error()}),
 * never thrown. Only programming errors (null arguments, an unreadable checkpoint) throw. An
 * interrupt of the thread waiting in {@link #run} cancels every running item and returns what
 * finished, with the rest {@link ItemStatus#CANCELLED}.
 *
 * <p>Nothing to close: all engine threads end when the run ends. Tasks that ignore interrupts
 * may outlive a cancelled run (their result is then dropped).
 */
public final class FanOut<I, R> {

    final int concurrency;
    final List<Endpoint> endpoints;
    final RateLimiter rateLimiter;
    final int retries;
    final Duration backoffInitial;
    final Duration backoffMax;
    final Predicate<Throwable> retryOn;
    final Duration itemTimeout;
    final Duration deadline;
    final ProgressListener listener;
    final ItemListener<I, R> itemListener;
    final Duration progressInterval;
    final Path checkpoint;
    final CheckpointCodec<R> codec;
    final Function<? super I, String> key;
    final Function<? super I, Known<R>> known;
    final Duration cancelGrace;
    final RateLimiter.Sleeper sleeper;

    /** A concurrency slot group: a named endpoint with its own limit. */
    record Endpoint(String name, int limit) {
    }

    private FanOut(Builder<I, R> b) {
        List<Endpoint> eps = List.copyOf(b.endpoints);
        int sum = eps.stream().mapToInt(Endpoint::limit).sum();
        if (eps.isEmpty()) {
            this.concurrency = b.concurrency == null ? Builder.DEFAULT_CONCURRENCY : b.concurrency;
            eps = List.of(new Endpoint("default", this.concurrency));
        } else {
            this.concurrency = b.concurrency == null ? sum : Math.min(b.concurrency, sum);
        }
        this.endpoints = eps;
        this.rateLimiter = b.rateLimiter;
        this.retries = b.retries;
        this.backoffInitial = b.backoffInitial;
        this.backoffMax = b.backoffMax;
        this.retryOn = b.retryOn;
        this.itemTimeout = b.itemTimeout;
        this.deadline = b.deadline;
        this.listener = b.listener;
        this.itemListener = b.itemListener;
        this.progressInterval = b.progressInterval;
        this.checkpoint = b.checkpoint;
        this.codec = b.codec;
        this.key = b.key;
        this.known = b.known;
        this.cancelGrace = b.cancelGrace;
        this.sleeper = b.sleeper;
    }

    /** A builder with concurrency 16, no rate limit, no retries, no timeouts. */
    public static <I, R> Builder<I, R> builder() {
        return new Builder<>();
    }

    /** The concurrency limit (over all endpoints). */
    public int concurrency() {
        return concurrency;
    }

    /**
     * Runs {@code task} over {@code inputs} and waits for every item to end.
     *
     * <p>If the calling thread is interrupted while waiting, running items are cancelled, the
     * result is returned within about a second (finished items kept, the rest
     * {@link ItemStatus#CANCELLED}) and the thread's interrupt flag is set again.
     */
    public FanOutResult<I, R> run(List<? extends I> inputs, ItemTask<? super I, ? extends R> task) {
        return start(inputs, task).await();
    }

    /** Starts {@code task} over {@code inputs} in the background and returns at once. */
    public FanOutHandle<I, R> start(List<? extends I> inputs, ItemTask<? super I, ? extends R> task) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(task, "task");
        Run<I, R> run = new Run<>(this, new ArrayList<>(inputs), task);
        run.start();
        return run;
    }

    @Override
    public String toString() {
        return "FanOut[concurrency " + concurrency + ", endpoints " + endpoints.size() + ", retries " + retries
                + (rateLimiter == null ? "" : ", " + rateLimiter) + "]";
    }

    /**
     * Configures a {@link FanOut}. Not thread-safe; {@link #build()} copies the settings.
     */
    public static final class Builder<I, R> {
        static final int DEFAULT_CONCURRENCY = 16;

        private Integer concurrency;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private RateLimiter rateLimiter;
        private int retries;
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(20);
        private Predicate<Throwable> retryOn = Retries::isRetryable;
        private Duration itemTimeout;
        private Duration deadline;
        private ProgressListener listener;
        private ItemListener<I, R> itemListener;
        private Duration progressInterval = Duration.ofMillis(100);
        private Path checkpoint;
        private CheckpointCodec<R> codec;
        private Function<? super I, String> key = String::valueOf;
        private Function<? super I, Known<R>> known;
        private Duration cancelGrace = Duration.ofSeconds(1);
        private RateLimiter.Sleeper sleeper = TimeUnit.NANOSECONDS::sleep;

        private Builder() {
        }

        /** At most this many items run at once (default 16; with endpoints, default is the sum of their limits). */
        public Builder<I, R> concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Adds an endpoint: a named group of slots with its own limit. Each item is dispatched to
         * the endpoint with the most free slots; the task reads {@link ItemContext#endpoint()}.
         */
        public Builder<I, R> endpoint(String name, int concurrency) {
            Objects.requireNonNull(name, "name");
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency of endpoint '" + name + "' must be at least 1, got " + concurrency);
            }
            endpoints.add(new Endpoint(name, concurrency));
            return this;
        }

        /** Starts at most this many attempts per second over all items (a token bucket with burst 1). */
        public Builder<I, R> requestsPerSecond(double requestsPerSecond) {
            this.rateLimiter = RateLimiter.perSecond(requestsPerSecond);
            return this;
        }

        /** Uses this limiter for every attempt (share one across fan-outs to share a limit). */
        public Builder<I, R> rateLimiter(RateLimiter rateLimiter) {
            this.rateLimiter = rateLimiter;
            return this;
        }

        /** Retries a retryable failure up to this many times per item (default 0). */
        public Builder<I, R> retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * Backoff between attempts: {@code initial × 2^(attempt-1)}, capped at {@code max}, then a
         * random value between half and all of it. A server's Retry-After is waited in full when longer.
         */
        public Builder<I, R> backoff(Duration initial, Duration max) {
            this.backoffInitial = requireNotNegative(initial, "initial backoff");
            this.backoffMax = requireNotNegative(max, "max backoff");
            return this;
        }

        /**
         * Which failures are retried. Default: the first {@link dev.chorus.client.ChorusException}
         * in the cause chain decides ({@code isRetryable()}: 408, 409, 429, 5xx, timeouts, lost
         * connections); without one, an {@link java.io.IOException} or a timeout in the chain is retried.
         */
        public Builder<I, R> retryOn(Predicate<Throwable> retryOn) {
            this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
            return this;
        }

        /** Each attempt is interrupted after this long; if it was the last attempt the item is {@link ItemStatus#TIMED_OUT}. */
        public Builder<I, R> itemTimeout(Duration itemTimeout) {
            this.itemTimeout = requirePositive(itemTimeout, "itemTimeout");
            return this;
        }

        /** The whole fan-out stops after this long: running items end TIMED_OUT, the others CANCELLED. */
        public Builder<I, R> deadline(Duration deadline) {
            this.deadline = requirePositive(deadline, "deadline");
            return this;
        }

        /** Receives progress snapshots (see {@link ProgressListener} for when and on which thread). */
        public Builder<I, R> listener(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Receives every item's result the moment it ends (see {@link ItemListener} for when and on
         * which thread): fill a table or a cache from here instead of scanning the run.
         */
        public Builder<I, R> onItem(ItemListener<I, R> listener) {
            this.itemListener = listener;
            return this;
        }

        /** How often the listener is called while items run (default 100 ms). */
        public Builder<I, R> progressInterval(Duration interval) {
            this.progressInterval = requirePositive(interval, "progressInterval");
            return this;
        }

        /**
         * Appends one JSONL line per ended item to {@code file}. If the file already exists, items
         * recorded there as OK with the same index and key are not run again (they come back with
         * {@link ItemResult#resumed()} true); others run again. Delete the file to start over.
         */
        public Builder<I, R> checkpoint(Path file, CheckpointCodec<R> codec) {
            this.checkpoint = Objects.requireNonNull(file, "file");
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * Values known before the run (a response cache): for each input not resumed from the
         * checkpoint, {@code lookup} gives its {@link Known} value or null. A known item ends OK at
         * once with {@link ItemResult#cached()} true, before any other item starts (and goes to the
         * checkpoint like any finished item); a lookup that throws counts as unknown.
         */
        public Builder<I, R> known(Function<? super I, Known<R>> lookup) {
            this.known = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /** The key identifying an input in the checkpoint (default {@code String.valueOf(input)}). */
        public Builder<I, R> key(Function<? super I, String> key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** How long a cancelled run waits for interrupted items before it marks them CANCELLED and returns (default 1 s). */
        public Builder<I, R> cancelGrace(Duration grace) {
            this.cancelGrace = requireNotNegative(grace, "cancelGrace");
            return this;
        }

        /** How backoff waits are made; replace it in tests to record the waits instead. */
        public Builder<I, R> sleeper(RateLimiter.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Builds the fan-out. */
        public FanOut<I, R> build() {
            return new FanOut<>(this);
        }

        private static Duration requirePositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        private static Duration requireNotNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }
    }
}
