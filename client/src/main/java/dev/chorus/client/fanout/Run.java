package dev.chorus.client.fanout;

import dev.chorus.client.internal.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One execution of a {@link FanOut}: its threads, slots, results and handle.
 *
 * <p>Threads: a dispatcher (starts one virtual thread per item when a slot is free, then waits for
 * all, then finishes the run), the items, a ticker for the listener, and one timer thread for
 * attempt timeouts and the deadline. Every one of them ends when the run ends.
 */
final class Run<I, R> implements FanOutHandle<I, R> {

    private enum Stop { CANCEL, DEADLINE }

    private final FanOut<I, R> config;
    private final List<I> inputs;
    private final ItemTask<? super I, ? extends R> task;
    private final int n;
    private final AtomicReferenceArray<ItemResult<I, R>> results;
    private final ConcurrentHashMap<Integer, Thread> running = new ConcurrentHashMap<>();
    private final CompletableFuture<FanOutResult<I, R>> completion = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private final ReentrantLock slots = new ReentrantLock();
    private final Condition slotFreed = slots.newCondition();
    private final int[] inFlightByEndpoint;
    private int inFlight;

    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private volatile Stop stop;
    /** Set (under the slots lock) when the dispatcher starts finishing; later stops are ignored. */
    private boolean finishing;
    private volatile long startNanos;
    private ScheduledExecutorService timers;
    private Checkpoint<R> checkpoint;
    private Thread ticker;

    Run(FanOut<I, R> config, List<I> inputs, ItemTask<? super I, ? extends R> task) {
        this.config = config;
        this.inputs = inputs;
        this.task = task;
        this.n = inputs.size();
        this.results = new AtomicReferenceArray<>(n);
        this.inFlightByEndpoint = new int[config.endpoints.size()];
    }

    void start() {
        if (config.checkpoint != null) {
            resumeFromCheckpoint();
            checkpoint = Checkpoint.open(config.checkpoint, config.codec);
        }
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("chorus-fanout-timer").factory());
        stpe.setRemoveOnCancelPolicy(true);
        timers = stpe;
        startNanos = System.nanoTime();
        if (config.deadline != null) {
            timers.schedule(() -> stop(Stop.DEADLINE), config.deadline.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (config.listener != null) {
            ticker = Thread.ofVirtual().name("chorus-fanout-progress").start(this::tick);
        }
        Thread.ofVirtual().name("chorus-fanout-dispatcher").start(this::dispatch);
    }

    private void resumeFromCheckpoint() {
        Map<Integer, Checkpoint.Line> lines = Checkpoint.read(config.checkpoint);
        for (Checkpoint.Line line : lines.values()) {
            int i = line.index();
            if (i < 0 || i >= n || !"OK".equals(line.status()) || !keyOf(inputs.get(i)).equals(line.key())) {
                continue;
            }
            R value;
            try {
                value = line.value() == null ? null : config.codec.decode(line.value());
            } catch (RuntimeException rejected) {
                continue;
            }
            results.set(i, new ItemResult<>(i, inputs.get(i), ItemStatus.OK, value, null,
                    Duration.ofMillis(line.latencyMs()), line.attempts(), line.promptTokens(),
                    line.completionTokens(), null, null, 0, true));
            done.incrementAndGet();
            ok.incrementAndGet();
            resumed.incrementAndGet();
        }
    }

    private String keyOf(I input) {
        String k = config.key.apply(input);
        return k == null ? "null" : k;
    }

    // ---- dispatcher ------------------------------------------------------------------------

    private void dispatch() {
        try {
            for (int i = 0; i < n && stop == null; i++) {
                if (results.get(i) != null) {
                    continue;
                }
                int endpoint = awaitSlot();
                if (endpoint < 0) {
                    break;
                }
                final int index = i;
                Thread t = Thread.ofVirtual().name("chorus-fanout-item-" + i).unstarted(() -> runItem(index, endpoint));
                running.put(i, t);
                t.start();
            }
            awaitIdle();
        } catch (InterruptedException e) {
            stop(Stop.CANCEL);
        } catch (Throwable t) {
            // An engine bug or an OutOfMemoryError: stop cleanly so waiters still get a result.
            stop(Stop.CANCEL);
        }
        finish();
    }

    /** Waits for a free slot and takes it; returns the endpoint, or -1 once the run is stopping. */
    private int awaitSlot() throws InterruptedException {
        slots.lock();
        try {
            while (true) {
                if (stop != null) {
                    return -1;
                }
                if (inFlight < config.concurrency) {
                    int best = -1;
                    int bestFree = 0;
                    for (int e = 0; e < inFlightByEndpoint.length; e++) {
                        int free = config.endpoints.get(e).limit() - inFlightByEndpoint[e];
                        if (free > bestFree) {
                            best = e;
                            bestFree = free;
                        }
                    }
                    if (best >= 0) {
                        inFlight++;
                        inFlightByEndpoint[best]++;
                        return best;
                    }
                }
                slotFreed.await();
            }
        } finally {
            slots.unlock();
        }
    }

    private void release(int endpoint) {
        slots.lock();
        try {
            inFlight--;
            inFlightByEndpoint[endpoint]--;
            slotFreed.signalAll();
        } finally {
            slots.unlock();
        }
    }

    private void awaitIdle() throws InterruptedException {
        slots.lock();
        try {
            while (inFlight > 0 && stop == null) {
                slotFreed.await();
            }
        } finally {
            slots.unlock();
        }
    }

    private void stop(Stop reason) {
        slots.lock();
        try {
            if (stop != null || finishing) {
                return;
            }
            stop = reason;
            slotFreed.signalAll();
        } finally {
            slots.unlock();
        }
        running.values().forEach(Thread::interrupt);
    }

    private void finish() {
        slots.lock();
        try {
            finishing = true;
        } finally {
            slots.unlock();
        }
        if (stop != null) {
            // Items started just before the stop may have missed the first sweep.
            running.values().forEach(Thread::interrupt);
            long until = System.nanoTime() + config.cancelGrace.toNanos();
            slots.lock();
            try {
                long left;
                while (inFlight > 0 && (left = until - System.nanoTime()) > 0) {
                    try {
                        slotFreed.awaitNanos(left);
                    } catch (InterruptedException ignored) {
                        // Keep waiting out the grace period; the run is already stopping.
                    }
                }
            } finally {
                slots.unlock();
            }
        }
        ItemStatus never = ItemStatus.CANCELLED;
        for (int i = 0; i < n; i++) {
            if (results.get(i) != null) {
                continue;   // finished: no stopped result (and no exception with a stack trace) to build
            }
            boolean wasRunning = running.containsKey(i);
            ItemStatus status = wasRunning && stop == Stop.DEADLINE ? ItemStatus.TIMED_OUT : never;
            ItemResult<I, R> r = stopped(i, status, wasRunning ? "still running when the fan-out stopped" : "not started");
            if (results.compareAndSet(i, null, r)) {
                done.incrementAndGet();
            }
        }
        long wall = System.nanoTime() - startNanos;
        timers.shutdownNow();
        ended.countDown();
        if (ticker != null) {
            Threads.joinUninterruptibly(ticker);
        }
        if (checkpoint != null) {
            checkpoint.close();
        }
        List<ItemResult<I, R>> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(results.get(i));
        }
        FanOutResult<I, R> result = new FanOutResult<>(items, Duration.ofNanos(wall), config.concurrency,
                stop == Stop.CANCEL, stop == Stop.DEADLINE,
                Optional.ofNullable(checkpoint == null ? null : checkpoint.error()));
        if (config.listener != null) {
            notifyListener(snapshot(true));
        }
        completion.complete(result);
    }

    private ItemResult<I, R> stopped(int i, ItemStatus status, String why) {
        Throwable cause = status == ItemStatus.TIMED_OUT
                ? new TimeoutException("deadline of " + config.deadline + " reached; " + why)
                : new CancellationException("fan-out cancelled; " + why);
        return new ItemResult<>(i, inputs.get(i), status, null, ItemError.of(cause), Duration.ZERO, 0, 0, 0,
                null, null, 0, false);
    }

    // ---- items -----------------------------------------------------------------------------

    /** The per-attempt timeout: fires at most once, and only while the attempt is still running. */
    private static final class Attempt implements Runnable {
        private final ReentrantLock lock = new ReentrantLock();
        private final Thread thread;
        private boolean finished;
        private boolean timedOut;

        Attempt(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void run() {
            lock.lock();
            try {
                if (!finished) {
                    timedOut = true;
                    // Interrupt under the lock so the item sees it before finish() returns.
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Marks the attempt over; returns true if the timeout fired first. */
        boolean finish() {
            lock.lock();
            try {
                finished = true;
                return timedOut;
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Context implements ItemContext {
        final int index;
        final int endpoint;
        int attempt;
        long promptTokens;
        long completionTokens;

        Context(int index, int endpoint) {
            this.index = index;
            this.endpoint = endpoint;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public int endpoint() {
            return endpoint;
        }

        @Override
        public String endpointName() {
            return config.endpoints.get(endpoint).name();
        }

        @Override
        public void tokens(long prompt, long completion) {
            this.promptTokens = prompt;
            this.completionTokens = completion;
        }
    }

    private ItemStatus stopStatus() {
        return stop == Stop.DEADLINE ? ItemStatus.TIMED_OUT : ItemStatus.CANCELLED;
    }

    private void runItem(int index, int endpoint) {
        long begin = System.nanoTime();
        I input = inputs.get(index);
        Context ctx = new Context(index, endpoint);
        int maxAttempts = config.retries + 1;
        ItemStatus status = ItemStatus.CANCELLED;
        R value = null;
        Throwable error = null;
        int attempts = 0;
        try {
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
                if (stop != null) {
                    status = stopStatus();
                    error = null;
                    break;
                }
                ctx.attempt = attempt;
                if (config.rateLimiter != null) {
                    try {
                        config.rateLimiter.acquire();
                    } catch (InterruptedException e) {
                        status = stopStatus();
                        error = null;
                        break;
                    }
                }
                if (attempt == 1) {
                    // Start and latency count from the first request, not from the wait for a
                    // rate-limit permit: with --rps the start offsets show the pacing.
                    begin = System.nanoTime();
                }
                attempts = attempt;
                Attempt guard = new Attempt(Thread.currentThread());
                ScheduledFuture<?> timer = config.itemTimeout == null ? null
                        : schedule(guard, config.itemTimeout);
                boolean timedOut;
                Throwable failure = null;
                R v = null;
                try {
                    v = task.call(input, ctx);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    timedOut = guard.finish();
                    if (timer != null) {
                        timer.cancel(false);
                    }
                    // Clear a timeout or cancel interrupt: the fields above say what happened.
                    Thread.interrupted();
                }
                if (failure == null) {
                    status = ItemStatus.OK;
                    value = v;
                    error = null;
                    break;
                }
                if (stop != null) {
                    // The engine's own reason, not the interrupt it caused.
                    status = stopStatus();
                    error = null;
                    break;
                }
                if (timedOut) {
                    status = ItemStatus.TIMED_OUT;
                    // Not chained to the failure: that is only the interrupt the timeout caused.
                    error = new TimeoutException("attempt " + attempt + " timed out after "
                            + config.itemTimeout.toMillis() + " ms");
                } else {
                    status = ItemStatus.FAILED;
                    error = failure;
                    if (!isRetryable(failure)) {
                        break;
                    }
                }
                if (attempt == maxAttempts) {
                    break;
                }
                long wait = Retries.backoffNanos(attempt, config.backoffInitial, config.backoffMax, failure);
                if (wait > 0) {
                    try {
                        config.sleeper.sleep(wait);
                    } catch (InterruptedException e) {
                        status = stopStatus();
                        error = null;
                        break;
                    }
                }
            }
        } finally {
            Thread.interrupted();
            long end = System.nanoTime();
            if (status == ItemStatus.CANCELLED && error == null) {
                error = new CancellationException("fan-out cancelled");
            } else if (status == ItemStatus.TIMED_OUT && error == null) {
                error = new TimeoutException("deadline of " + config.deadline + " reached");
            }
            ItemResult<I, R> r = new ItemResult<>(index, input, status, value,
                    error == null ? null : ItemError.of(error), Duration.ofNanos(end - begin), attempts,
                    ctx.promptTokens, ctx.completionTokens, Duration.ofNanos(begin - startNanos),
                    Duration.ofNanos(end - startNanos), endpoint, false);
            if (results.compareAndSet(index, null, r)) {
                done.incrementAndGet();
                if (status == ItemStatus.OK) {
                    ok.incrementAndGet();
                }
                if (checkpoint != null && status != ItemStatus.CANCELLED) {
                    checkpoint.append(r, keyOf(input));
                }
            }
            running.remove(index);
            release(endpoint);
        }
    }

    private boolean isRetryable(Throwable t) {
        try {
            return config.retryOn.test(t);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, Duration after) {
        try {
            return timers.schedule(r, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            return null;
        }
    }

    // ---- progress --------------------------------------------------------------------------

    private void tick() {
        long interval = config.progressInterval.toNanos();
        while (true) {
            try {
                if (ended.await(interval, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            notifyListener(snapshot(false));
        }
    }

    private void notifyListener(Progress p) {
        try {
            config.listener.onProgress(p);
        } catch (RuntimeException ignored) {
            // A broken listener must not stop the fan-out (documented on ProgressListener).
        }
    }

    private Progress snapshot(boolean finished) {
        long elapsed = System.nanoTime() - startNanos;
        int d = done.get();
        int k = ok.get();
        int flight;
        slots.lock();
        try {
            flight = inFlight;
        } finally {
            slots.unlock();
        }
        double rate = elapsed <= 0 ? 0 : (d - resumed.get()) / (elapsed / 1e9);
        return new Progress(n, d, k, d - k, finished ? 0 : flight, rate, Duration.ofNanos(elapsed), finished);
    }

    // ---- handle ----------------------------------------------------------------------------

    @Override
    public Progress progress() {
        return snapshot(completion.isDone());
    }

    @Override
    public List<ItemResult<I, R>> partial() {
        List<ItemResult<I, R>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ItemResult<I, R> r = results.get(i);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void cancel() {
        stop(Stop.CANCEL);
    }

    @Override
    public boolean isDone() {
        return completion.isDone();
    }

    @Override
    public FanOutResult<I, R> await() {
        try {
            return completion.get();
        } catch (InterruptedException e) {
            cancel();
            FanOutResult<I, R> r = awaitUninterruptibly();
            Thread.currentThread().interrupt();
            return r;
        } catch (ExecutionException e) {
            throw new IllegalStateException("fan-out engine failed", e.getCause());
        }
    }

    @Override
    public FanOutResult<I, R> await(Duration timeout) {
        try {
            return completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            cancel();
            FanOutResult<I, R> r = awaitUninterruptibly();
            Thread.currentThread().interrupt();
            return r;
        } catch (ExecutionException e) {
            throw new IllegalStateException("fan-out engine failed", e.getCause());
        }
    }

    private FanOutResult<I, R> awaitUninterruptibly() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return completion.get();
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("fan-out engine failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public CompletionStage<FanOutResult<I, R>> completion() {
        return completion.minimalCompletionStage();
    }

    @Override
    public void close() {
        cancel();
        awaitUninterruptibly();
    }

    @Override
    public String toString() {
        return "FanOutHandle[" + snapshot(completion.isDone()) + "]";
    }
}
