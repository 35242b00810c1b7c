package dev.chorus.client.async;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket that spaces calls to at most {@code permitsPerSecond}, with an initial and
 * maximum burst of {@code burst} permits.
 *
 * <p>Threading: one instance is shared by every thread that must respect the same limit (for
 * example every item of a fan-out). {@link #acquire()} reserves the next free slot under a short
 * lock and then sleeps outside of it, so thousands of virtual threads can wait at once without
 * pinning a carrier; waiters are served in the order they reserved. Nothing to close.
 *
 * <p>Failure: {@link #acquire()} throws {@link InterruptedException} when the waiting thread is
 * interrupted; the reserved slot is then given back. Time comes from a {@link Ticker} and waiting
 * goes through a {@link Sleeper}, both replaceable so tests run on a fake clock.
 */
public final class RateLimiter {

    /** A monotonic nanosecond clock; {@link System#nanoTime()} in production. */
    @FunctionalInterface
    public interface Ticker {
        /** Returns the current time in nanoseconds from an arbitrary origin. */
        long nanoTime();
    }

    /** Waits for a number of nanoseconds; {@link TimeUnit#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps for {@code nanos} nanoseconds or throws when interrupted. */
        void sleep(long nanos) throws InterruptedException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final double permitsPerSecond;
    private final int burst;
    private final long intervalNanos;
    private final Ticker ticker;
    private final Sleeper sleeper;
    /** When the bucket would be full again if nobody called; later than now while permits are owed. */
    private long theoreticalArrival;

    private RateLimiter(double permitsPerSecond, int burst, Ticker ticker, Sleeper sleeper) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permitsPerSecond must be a positive number, got " + permitsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
        this.permitsPerSecond = permitsPerSecond;
        this.burst = burst;
        this.intervalNanos = Math.max(1L, Math.round(1_000_000_000d / permitsPerSecond));
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.theoreticalArrival = ticker.nanoTime();
    }

    /** A limiter of {@code permitsPerSecond} with a burst of one: calls are evenly spaced. */
    public static RateLimiter perSecond(double permitsPerSecond) {
        return of(permitsPerSecond, 1);
    }

    /** A limiter of {@code permitsPerSecond} that lets up to {@code burst} calls through at once after a pause. */
    public static RateLimiter of(double permitsPerSecond, int burst) {
        return of(permitsPerSecond, burst, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** As {@link #of(double, int)} with an explicit clock and sleeper (for tests). */
    public static RateLimiter of(double permitsPerSecond, int burst, Ticker ticker, Sleeper sleeper) {
        return new RateLimiter(permitsPerSecond, burst, ticker, sleeper);
    }

    /** The configured rate in permits per second. */
    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /** The configured burst size. */
    public int burst() {
        return burst;
    }

    /**
     * Takes one permit, waiting as long as needed.
     *
     * @return the time waited (zero when a permit was free)
     * @throws InterruptedException if the thread is interrupted while waiting; the permit is returned
     */
    public Duration acquire() throws InterruptedException {
        long wait = reserve();
        if (wait <= 0) {
            return Duration.ZERO;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            giveBack();
            throw e;
        }
        return Duration.ofNanos(wait);
    }

    /** Takes one permit if it is free now, without waiting. */
    public boolean tryAcquire() {
        lock.lock();
        try {
            long now = ticker.nanoTime();
            long tat = Math.max(theoreticalArrival, now);
            if (tat - (burst - 1) * intervalNanos > now) {
                return false;
            }
            theoreticalArrival = tat + intervalNanos;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Reserves the next slot (generic cell rate algorithm) and returns the wait for it in nanoseconds. */
    private long reserve() {
        lock.lock();
        try {
            long now = ticker.nanoTime();
            long tat = Math.max(theoreticalArrival, now);
            long slot = Math.max(now, tat - (burst - 1) * intervalNanos);
            theoreticalArrival = tat + intervalNanos;
            return slot - now;
        } finally {
            lock.unlock();
        }
    }

    private void giveBack() {
        lock.lock();
        try {
            theoreticalArrival -= intervalNanos;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "RateLimiter[" + permitsPerSecond + "/s, burst " + burst + "]";
    }
}
