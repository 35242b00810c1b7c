package dev.chorus.client.async;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counting semaphore that refuses to be released more times than it was acquired, so that its
 * permits can never grow past the initial limit.
 *
 * <pre>{@code
 * var limit = new BoundedSemaphore(10);
 * try (var permit = limit.enter()) {   // acquire ... release
 *     fetch(url);
 * }
 * limit.release();                     // IllegalStateException: released too many times
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread, and (as with
 * {@link Semaphore}) a permit may be released by another thread than the one that acquired it.
 * Waiting parks (cheap on virtual threads, no pinning); acquisition is fair (first come, first
 * served).
 *
 * <p>Who closes it: nothing to close on the semaphore; each {@link #enter()} returns a
 * {@link Permit} that the holder closes (try-with-resources), which releases it once.
 *
 * <p>How it fails: {@link #release()} throws {@link IllegalStateException} when every permit is
 * already back; the acquiring methods throw {@link InterruptedException} when the waiting thread
 * is interrupted. A plain {@link Semaphore} would silently accept the extra release and let more
 * work in flight than the limit.
 *
 * <p>Python counterpart: {@code asyncio.BoundedSemaphore}, whose extra {@code release()} raises
 * {@code ValueError}; {@code async with sem:} is {@code try (var p = sem.enter())}.
 */
public final class BoundedSemaphore {

    private final int limit;
    private final Semaphore permits;
    private final AtomicInteger held = new AtomicInteger();

    /** Creates a semaphore with {@code limit} permits, all available. */
    public BoundedSemaphore(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit, true);
    }

    /** Takes a permit, waiting until one is available. */
    public void acquire() throws InterruptedException {
        permits.acquire();
        held.incrementAndGet();
    }

    /** Takes a permit if one becomes available within {@code timeout}; {@code true} if taken. */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        held.incrementAndGet();
        return true;
    }

    /**
     * Gives a permit back.
     *
     * @throws IllegalStateException if no permit is out (it would exceed the limit)
     */
    public void release() {
        while (true) {
            int now = held.get();
            if (now == 0) {
                throw new IllegalStateException("BoundedSemaphore released too many times (limit " + limit + ")");
            }
            if (held.compareAndSet(now, now - 1)) {
                permits.release();
                return;
            }
        }
    }

    /** Takes a permit, waiting until one is available; closing the returned permit releases it. */
    public Permit enter() throws InterruptedException {
        acquire();
        return new Permit();
    }

    /** How many permits can be taken now without waiting. */
    public int availablePermits() {
        return permits.availablePermits();
    }

    /** The number of permits, the most that can be out at once. */
    public int limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "BoundedSemaphore[available=" + availablePermits() + "/" + limit + "]";
    }

    /** One permit taken with {@link #enter()}; closing it releases the permit (only once). */
    public final class Permit implements AutoCloseable {
        private final AtomicInteger open = new AtomicInteger(1);

        private Permit() {
        }

        /** Releases the permit; closing again does nothing. */
        @Override
        public void close() {
            if (open.compareAndSet(1, 0)) {
                release();
            }
        }
    }
}
