package dev.chorus.client.async;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A flag that threads can wait on until another thread sets it; it can be cleared and set again.
 *
 * <p>Typical uses: a shutdown signal for a long-running loop ({@code while (!stop.isSet())}, set
 * from an interrupt handler or another cell), or a per-item "done" signal.
 *
 * <p>Threading: every method may be called from any thread; waiting releases no lock that the
 * caller holds. Waiters park (cheap on virtual threads; the lock is a {@link ReentrantLock}, so
 * virtual threads are not pinned).
 *
 * <p>Who closes it: nothing to close. How it fails: the waiting methods throw
 * {@link InterruptedException} when the waiting thread is interrupted; nothing else.
 *
 * <p>Python counterpart: {@code asyncio.Event} ({@code set}, {@code clear}, {@code is_set},
 * {@code await event.wait()}); {@code asyncio.wait_for(event.wait(), t)} is
 * {@link #await(Duration)}. Unlike a {@link java.util.concurrent.CountDownLatch}, it can be
 * cleared.
 */
public final class Event {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean set;

    /** Creates a cleared event. */
    public Event() {
    }

    /** Sets the flag and wakes every waiting thread. */
    public void set() {
        lock.lock();
        try {
            set = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Clears the flag; threads that wait from now on block until it is set again. */
    public void clear() {
        lock.lock();
        try {
            set = false;
        } finally {
            lock.unlock();
        }
    }

    /** {@code true} if the flag is set. */
    public boolean isSet() {
        lock.lock();
        try {
            return set;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the flag is set (returns at once if it is). */
    public void await() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!set) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the flag is set or {@code timeout} passes.
     *
     * @return {@code true} if the flag is set, {@code false} if the time ran out
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!set) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }
}
