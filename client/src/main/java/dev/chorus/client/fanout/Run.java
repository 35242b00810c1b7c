package dev.chorus.client.fanout;

import dev.chorus.client.internal.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One execution of a {@link FanOut}: its threads, results, counters and handle.
 *
 * <p>Threads: one worker (a virtual thread) per concurrency slot, each taking the next input when
 * its last one has ended, so an answer is followed by the next request on the same thread with no
 * hand-off; a coordinator that waits for the workers and finishes the run; a ticker for the
 * progress listener; and, only when a per-item timeout or a deadline is set, one timer thread.
 * Every one of them ends when the run ends.
 */
final class Run<I, R> implements FanOutHandle<I, R> {

    /** Why a run stopped early: cancelled (interrupts), its deadline, or no new starts (running items finish). */
    private enum Stop { CANCEL, DEADLINE, DRAIN }

    private final FanOut<I, R> config;
    private final List<I> inputs;
    private final ItemTask<? super I, ? extends R> task;
    private final int n;
    private final AtomicReferenceArray<ItemResult<I, R>> results;
    private final CompletableFuture<FanOutResult<I, R>> completion = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The next input a worker takes. */
    private final AtomicInteger next = new AtomicInteger();
    /** The overall limit when it is below the sum of the endpoints' limits, else null. */
    private final Semaphore cap;

    private final ReentrantLock state = new ReentrantLock();
    private final Condition changed = state.newCondition();
    /** Guarded by {@link #state}. */
    private int liveWorkers;
    /** Guarded by {@link #state}: set when the coordinator starts finishing; later stops are ignored. */
    private boolean finishing;
    private volatile Stop stop;
    private volatile String drainReason;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger invalid = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    /** Items between winning their result slot and returning from the item listener. */
    private final AtomicInteger ending = new AtomicInteger();

    private Thread[] workers = new Thread[0];
    /** Per worker, the index of the item it runs, or -1. */
    private AtomicIntegerArray current = new AtomicIntegerArray(0);
    private volatile long startNanos;
    private ScheduledThreadPoolExecutor timers;
    private Checkpoint<R> checkpoint;
    private Thread ticker;

    Run(FanOut<I, R> config, List<I> inputs, ItemTask<? super I, ? extends R> task) {
        this.config = config;
        this.inputs = inputs;
        this.task = task;
        this.n = inputs.size();
        this.results = new AtomicReferenceArray<>(n);
        int sum = config.endpoints.stream().mapToInt(FanOut.Endpoint::limit).sum();
        this.cap = config.concurrency < sum ? new Semaphore(config.concurrency) : null;
    }

    void start() {
        int resumed = 0;
        if (config.checkpoint != null) {
            resumed = resumeFromCheckpoint();
            checkpoint = Checkpoint.open(config.checkpoint, config.codec);
        }
        if (config.known != null) {
            resumed += fromKnown();
        }
        if (config.itemTimeout != null || config.deadline != null) {
            timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("chorus-fanout-timer").factory());
            timers.setRemoveOnCancelPolicy(true);
        }
        startNanos = System.nanoTime();
        if (config.deadline != null) {
            timers.schedule(() -> stop(Stop.DEADLINE), config.deadline.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (config.listener != null) {
            ticker = Thread.ofVirtual().name("chorus-fanout-progress").start(this::tick);
        }
        int left = n - resumed;
        List<Integer> endpointOf = new ArrayList<>();
        for (int e = 0; e < config.endpoints.size(); e++) {
            int count = Math.min(config.endpoints.get(e).limit(), left);
            for (int k = 0; k < count; k++) {
                endpointOf.add(e);
            }
        }
        workers = new Thread[endpointOf.size()];
        current = new AtomicIntegerArray(workers.length);
        state.lock();
        try {
            liveWorkers = workers.length;
        } finally {
            state.unlock();
        }
        for (int w = 0; w < workers.length; w++) {
            current.set(w, -1);
            final int worker = w;
            final int endpoint = endpointOf.get(w);
            workers[w] = Thread.ofVirtual().name("chorus-fanout-worker-" + w).unstarted(() -> work(worker, endpoint));
        }
        for (Thread t : workers) {
            t.start();
        }
        Thread.ofVirtual().name("chorus-fanout-run").start(this::coordinate);
    }

    private int resumeFromCheckpoint() {
        Map<Integer, Checkpoint.Line> lines = Checkpoint.read(config.checkpoint);
        int count = 0;
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
            ItemResult<I, R> r = new ItemResult<>(i, inputs.get(i), ItemStatus.OK, value, null,
                    Duration.ofMillis(line.latencyMs()), line.attempts(), line.promptTokens(),
                    line.completionTokens(), null, null, 0, true, false);
            if (results.compareAndSet(i, null, r)) {
                count(r.status());
                notifyItem(r);
                count++;
            }
        }
        return count;
    }

    /** Ends at once every item whose value is known; returns how many. */
    private int fromKnown() {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (results.get(i) != null) {
                continue;
            }
            Known<R> k;
            try {
                k = config.known.apply(inputs.get(i));
            } catch (RuntimeException broken) {
                continue; // unknown: the item runs
            }
            if (k == null) {
                continue;
            }
            ItemResult<I, R> r = new ItemResult<>(i, inputs.get(i), ItemStatus.OK, k.value(), null, k.latency(), 0,
                    k.promptTokens(), k.completionTokens(), null, null, 0, false, true);
            if (results.compareAndSet(i, null, r)) {
                count(r.status());
                if (checkpoint != null) {
                    // A finished row: a resume needs it even when the cache no longer has it.
                    checkpoint.append(r, keyOf(inputs.get(i)));
                }
                notifyItem(r);
                count++;
            }
        }
        return count;
    }

    private String keyOf(I input) {
        String k = config.key.apply(input);
        return k == null ? "null" : k;
    }

    // ---- workers ---------------------------------------------------------------------------

    private void work(int worker, int endpoint) {
        try {
            while (stop == null) {
                int i = claim();
                if (i < 0) {
                    break;
                }
                if (cap != null) {
                    try {
                        cap.acquire();
                    } catch (InterruptedException e) {
                        break;
                    }
                    if (stop != null) {
                        // Stopped while waiting for a slot: the claimed item is marked by finish().
                        cap.release();
                        break;
                    }
                }
                current.set(worker, i);
                try {
                    runItem(i, endpoint);
                } finally {
                    current.set(worker, -1);
                    if (cap != null) {
                        cap.release();
                    }
                }
            }
        } finally {
            state.lock();
            try {
                if (--liveWorkers == 0) {
                    changed.signalAll();
                }
            } finally {
                state.unlock();
            }
        }
    }

    /** The next input without a result, or -1 when none is left. */
    private int claim() {
        while (true) {
            int i = next.getAndIncrement();
            if (i >= n) {
                return -1;
            }
            if (results.get(i) == null) {
                return i;
            }
        }
    }

    private void coordinate() {
        state.lock();
        try {
            while (liveWorkers > 0 && (stop == null || stop == Stop.DRAIN)) {
                // Draining: running items end on their own (unless a cancel comes on top).
                changed.awaitUninterruptibly();
            }
            if (stop != null && stop != Stop.DRAIN) {
                // Interrupted items get a grace period to end with their own status.
                long until = System.nanoTime() + config.cancelGrace.toNanos();
                long left;
                while (liveWorkers > 0 && (left = until - System.nanoTime()) > 0) {
                    try {
                        changed.awaitNanos(left);
                    } catch (InterruptedException ignored) {
                        // nobody interrupts this thread; keep waiting out the grace period
                    }
                }
            }
            finishing = true;
        } finally {
            state.unlock();
        }
        try {
            finish();
        } catch (Throwable t) {
            completion.completeExceptionally(t);
        }
    }

    private void stop(Stop reason) {
        state.lock();
        try {
            // A drain may turn into a cancel or a deadline; nothing else changes a stop.
            if (finishing || stop != null && !(stop == Stop.DRAIN && reason != Stop.DRAIN)) {
                return;
            }
            stop = reason;
            changed.signalAll();
        } finally {
            state.unlock();
        }
        if (reason == Stop.DRAIN) {
            return;
        }
        for (Thread t : workers) {
            t.interrupt();
        }
    }

    private void finish() {
        Set<Integer> stillRunning = new HashSet<>();
        for (int w = 0; w < current.length(); w++) {
            int i = current.get(w);
            if (i >= 0) {
                stillRunning.add(i);
            }
        }
        // One shared error each (no stack trace per item): a cancelled run of 100,000 inputs would
        // otherwise build 100,000 exceptions.
        Throwable notStarted = stop == Stop.DEADLINE
                ? new CancellationException("deadline of " + config.deadline + " reached; not started")
                : stop == Stop.DRAIN ? new CancellationException(drainReason + "; not started")
                : new CancellationException("fan-out cancelled; not started");
        Throwable stopped = stop == Stop.DEADLINE
                ? new TimeoutException("deadline of " + config.deadline + " reached; still running")
                : new CancellationException("fan-out cancelled; still running");
        for (int i = 0; i < n; i++) {
            if (results.get(i) != null) {
                continue;
            }
            boolean wasRunning = stillRunning.contains(i);
            ItemStatus status = wasRunning && stop == Stop.DEADLINE ? ItemStatus.TIMED_OUT : ItemStatus.CANCELLED;
            ItemResult<I, R> r = new ItemResult<>(i, inputs.get(i), status, null,
                    ItemError.of(wasRunning ? stopped : notStarted), Duration.ZERO, 0, 0, 0, null, null, 0, false, false);
            if (results.compareAndSet(i, null, r)) {
                count(status);
                notifyItem(r);
            }
        }
        // An item that won its slot just before the loop above may still be in the item listener.
        while (ending.get() > 0) {
            Thread.yield();
        }
        long wall = System.nanoTime() - startNanos;
        if (timers != null) {
            timers.shutdownNow();
        }
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
                // A drain that left nothing unsent (the last rows crossed the line) did not cut the run short.
                stop == Stop.CANCEL || stop == Stop.DRAIN && cancelled.get() > 0, stop == Stop.DEADLINE,
                Optional.ofNullable(checkpoint == null ? null : checkpoint.error()));
        if (config.listener != null) {
            notifyListener(snapshot(true));
        }
        completion.complete(result);
    }

    private void count(ItemStatus status) {
        switch (status) {
            case OK -> ok.incrementAndGet();
            case FAILED, TIMED_OUT -> failed.incrementAndGet();
            case INVALID -> invalid.incrementAndGet();
            case CANCELLED -> cancelled.incrementAndGet();
        }
        done.incrementAndGet();
    }

    private void notifyItem(ItemResult<I, R> r) {
        if (config.itemListener == null) {
            return;
        }
        try {
            config.itemListener.onItem(r);
        } catch (RuntimeException ignored) {
            // A broken listener must not stop the fan-out (documented on ItemListener).
        }
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
            this.promptTokens += prompt;
            this.completionTokens += completion;
        }
    }

    private ItemStatus stopStatus() {
        return stop == Stop.DEADLINE ? ItemStatus.TIMED_OUT : ItemStatus.CANCELLED;
    }

    private void runItem(int index, int endpoint) {
        inFlight.incrementAndGet();
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
                    if (stop != null) {
                        // Stopped (a drain, say) while waiting for a permit: nothing is sent.
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
                requests.incrementAndGet();
                Attempt guard = config.itemTimeout == null ? null : new Attempt(Thread.currentThread());
                ScheduledFuture<?> timer = guard == null ? null : schedule(guard, config.itemTimeout);
                boolean timedOut = false;
                Throwable failure = null;
                R v = null;
                try {
                    v = task.call(input, ctx);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (guard != null) {
                        timedOut = guard.finish();
                        if (timer != null) {
                            timer.cancel(false);
                        }
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
                if (stop != null && stop != Stop.DRAIN) {
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
                    status = Retries.isInvalidAnswer(failure) ? ItemStatus.INVALID : ItemStatus.FAILED;
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
                error = new CancellationException(stop == Stop.DRAIN ? drainReason + "; not retried" : "fan-out cancelled");
            } else if (status == ItemStatus.TIMED_OUT && error == null) {
                error = new TimeoutException("deadline of " + config.deadline + " reached");
            }
            ItemResult<I, R> r = new ItemResult<>(index, input, status, value,
                    error == null ? null : ItemError.of(error), Duration.ofNanos(end - begin), attempts,
                    ctx.promptTokens, ctx.completionTokens, Duration.ofNanos(begin - startNanos),
                    Duration.ofNanos(end - startNanos), endpoint, false, false);
            ending.incrementAndGet();
            try {
                if (results.compareAndSet(index, null, r)) {
                    count(status);
                    if (checkpoint != null && status != ItemStatus.CANCELLED) {
                        checkpoint.append(r, keyOf(input));
                    }
                    notifyItem(r);
                }
            } finally {
                ending.decrementAndGet();
                inFlight.decrementAndGet();
            }
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
        } catch (RejectedExecutionException stopped) {
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
        long sent = requests.get();
        double rate = elapsed <= 0 ? 0 : sent / (elapsed / 1e9);
        return new Progress(n, done.get(), ok.get(), failed.get(), invalid.get(), cancelled.get(), finished ? 0 : inFlight.get(),
                sent, rate, Duration.ofNanos(elapsed), finished);
    }

    // ---- handle ----------------------------------------------------------------------------

    @Override
    public Progress progress() {
        return snapshot(completion.isDone());
    }

    @Override
    public void cancel() {
        stop(Stop.CANCEL);
    }

    @Override
    public void stopStarting(String reason) {
        drainReason = reason == null || reason.isBlank() ? "stopped" : reason;
        stop(Stop.DRAIN);
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
