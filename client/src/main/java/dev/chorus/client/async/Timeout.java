package dev.chorus.client.async;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A movable deadline around a block of blocking code that runs on the current thread: at the
 * deadline the thread is interrupted, and the block ends with {@link TimeoutExceededException}.
 *
 * <pre>{@code
 * String answer = Timeout.within(Duration.ofSeconds(5), () -> client.chat().completions().create(req).content());
 *
 * try (Timeout t = Timeout.after(Duration.ofSeconds(5))) {   // block form
 *     slowCall();
 * }
 *
 * Timeout t = Timeout.unbounded();                           // asyncio.timeout(None) as cm
 * t.call(() -> {
 *     t.reschedule(Duration.ofSeconds(10));                  // cm.reschedule(loop.time() + 10)
 *     longOperation();
 *     t.removeDeadline();                                    // cm.reschedule(None)
 *     return null;
 * });
 * }</pre>
 *
 * <p>Threading: the thread that creates a timeout owns it and is the one interrupted at the
 * deadline; {@link #reschedule}, {@link #removeDeadline}, {@link #deadline} and {@link #expired}
 * may be called from any thread. The deadline is kept by one shared daemon timer thread. The
 * block must react to interruption (blocking JDK calls, OkHttp calls, {@code Thread.sleep} and
 * {@code Future.get} do); a busy loop that never checks is not stopped, but still ends with the
 * timeout exception once it returns.
 *
 * <p>Who closes it: the owner thread, by try-with-resources or by {@link #call}, which closes it.
 * Once closed, the deadline can no longer interrupt the thread. A timeout is used once.
 *
 * <p>How it fails: if the deadline passed while the block ran, closing throws
 * {@link TimeoutExceededException} and clears the interrupt it caused; the exception the block
 * ended with, if any, is its cause. Java cannot let {@link #close()} replace an exception thrown by
 * a try-with-resources block: there the block's exception (often an {@link InterruptedException})
 * propagates with the timeout exception {@linkplain Throwable#getSuppressed() suppressed}, which is
 * why {@link #call} and {@link #within} are the preferred forms. Rescheduling an expired or closed
 * timeout throws {@link IllegalStateException}.
 *
 * <p>Python counterpart: {@code asyncio.timeout(delay)} ({@link #after}), {@code
 * asyncio.timeout_at(when)} ({@link #at}), {@code asyncio.timeout(None)} ({@link #unbounded}),
 * {@code cm.reschedule(when)}, {@code cm.when()} ({@link #deadline}) and {@code cm.expired()}; also
 * {@code asyncio.wait_for(coro, timeout)} ({@link #within}).
 */
public final class Timeout implements AutoCloseable {

    /** Schedules the deadline; package-private so tests can fire it by hand. */
    interface Alarm {
        /** Runs {@code action} after {@code delayNanos}; the returned future cancels it. */
        Future<?> schedule(Runnable action, long delayNanos);
    }

    private static final Alarm SHARED_TIMER = new Alarm() {
        private final ScheduledThreadPoolExecutor timer = createTimer();

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            return timer.schedule(action, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }
    };

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chorus-timeout");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private enum State { ACTIVE, EXPIRED, CLOSED }

    private final Thread owner;
    private final Alarm alarm;
    private final Object lock = new Object();
    private State state = State.ACTIVE;
    private boolean expiredWhenClosed;
    private Instant deadline;
    /** Says what the limit was, for the exception message. */
    private String limit;
    private Future<?> pending;
    private long generation;

    Timeout(Alarm alarm) {
        this.owner = Thread.currentThread();
        this.alarm = alarm;
    }

    /** Starts a timeout that interrupts the current thread {@code delay} from now. */
    public static Timeout after(Duration delay) {
        Timeout t = new Timeout(SHARED_TIMER);
        t.reschedule(delay);
        return t;
    }

    /** Starts a timeout that interrupts the current thread at {@code deadline}. */
    public static Timeout at(Instant deadline) {
        Timeout t = new Timeout(SHARED_TIMER);
        t.rescheduleAt(deadline);
        return t;
    }

    /** Starts a timeout without a deadline; {@link #reschedule} sets one later. */
    public static Timeout unbounded() {
        return new Timeout(SHARED_TIMER);
    }

    /**
     * Runs {@code work} on the current thread with a deadline {@code delay} from now.
     *
     * @return what {@code work} returned
     * @throws TimeoutExceededException if the deadline passed before {@code work} ended
     * @throws X                        what {@code work} threw, if the deadline had not passed
     */
    public static <T, X extends Exception> T within(Duration delay, Work<T, X> work) throws X {
        return after(delay).call(work);
    }

    /**
     * Runs {@code work} on the owner thread, then closes this timeout.
     *
     * @return what {@code work} returned
     * @throws TimeoutExceededException if the deadline passed before {@code work} ended; what
     *                                  {@code work} threw, if anything, is its cause
     * @throws X                        what {@code work} threw, if the deadline had not passed
     * @throws IllegalStateException    if called from another thread than the owner
     */
    public <T, X extends Exception> T call(Work<T, X> work) throws X {
        checkOwner();
        T value;
        try {
            value = work.call();
        } catch (Exception | Error e) {
            TimeoutExceededException timedOut = closeAndCheck(e);
            if (timedOut != null) {
                throw timedOut;
            }
            throw e;
        }
        TimeoutExceededException timedOut = closeAndCheck(null);
        if (timedOut != null) {
            throw timedOut;
        }
        return value;
    }

    /**
     * Moves the deadline to {@code delay} from now (zero or negative: expire at once).
     *
     * @throws IllegalStateException if the timeout has already expired or is closed
     */
    public void reschedule(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        set(Instant.now().plus(delay), delay, "the timeout of " + TimeoutExceededException.describe(delay));
    }

    /**
     * Moves the deadline to {@code deadline}.
     *
     * @throws IllegalStateException if the timeout has already expired or is closed
     */
    public void rescheduleAt(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        set(deadline, Duration.between(Instant.now(), deadline), "its deadline " + deadline);
    }

    /**
     * Removes the deadline: the block may run for as long as it needs.
     *
     * @throws IllegalStateException if the timeout has already expired or is closed
     */
    public void removeDeadline() {
        set(null, null, null);
    }

    private void set(Instant newDeadline, Duration delay, String limitText) {
        synchronized (lock) {
            if (state == State.EXPIRED) {
                throw new IllegalStateException("the timeout has already expired and cannot be rescheduled");
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("the timeout is closed and cannot be rescheduled");
            }
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            long gen = ++generation;
            deadline = newDeadline;
            limit = limitText;
            if (newDeadline != null) {
                pending = alarm.schedule(() -> fire(gen), delay.toNanos());
            }
        }
    }

    private void fire(long gen) {
        synchronized (lock) {
            if (state != State.ACTIVE || gen != generation) {
                return;
            }
            state = State.EXPIRED;
            pending = null;
            owner.interrupt();
        }
    }

    /** The current deadline, or empty if there is none. */
    public Optional<Instant> deadline() {
        synchronized (lock) {
            return Optional.ofNullable(deadline);
        }
    }

    /** {@code true} once the deadline has passed and the owner thread was interrupted. */
    public boolean expired() {
        synchronized (lock) {
            return state == State.EXPIRED || (state == State.CLOSED && expiredWhenClosed);
        }
    }

    /**
     * Ends the timeout: the deadline can no longer fire.
     *
     * @throws TimeoutExceededException if the deadline passed while the block ran (its interrupt
     *                                  is cleared)
     * @throws IllegalStateException    if called from another thread than the owner
     */
    @Override
    public void close() {
        checkOwner();
        TimeoutExceededException timedOut = closeAndCheck(null);
        if (timedOut != null) {
            throw timedOut;
        }
    }

    private TimeoutExceededException closeAndCheck(Throwable cause) {
        boolean wasExpired;
        String lastLimit;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return null;
            }
            wasExpired = state == State.EXPIRED;
            lastLimit = limit;
            state = State.CLOSED;
            expiredWhenClosed = wasExpired;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
        if (!wasExpired) {
            return null;
        }
        // The interrupt was ours: consume it so that it does not hit the caller's next blocking call.
        Thread.interrupted();
        return new TimeoutExceededException("operation exceeded " + lastLimit, cause);
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    "a timeout must be used by the thread that created it (" + owner.getName() + ")");
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Timeout[" + state + (deadline == null ? ", no deadline" : ", deadline=" + deadline) + "]";
        }
    }

    /**
     * A block of work run under a timeout.
     *
     * @param <T> what it returns
     * @param <X> the checked exception it may throw ({@link RuntimeException} if none)
     */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        /** Runs the block. */
        T call() throws X;
    }
}
