package dev.chorus.client.async;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter of how many operations are running right now, which remembers the highest count it
 * has seen: the measurement behind "never more than 3 in flight".
 *
 * <pre>{@code
 * var gauge = new InFlightGauge();
 * // inside each task, after acquiring the semaphore:
 * try (var in = gauge.enter()) { return client.chat().completions().create(req); }
 * // afterwards:
 * System.out.println("max in flight: " + gauge.max());
 * }</pre>
 *
 * <p>Threading: lock-free, every method may be called from any thread.
 *
 * <p>Who closes it: nothing to close on the gauge; each {@link #enter()} returns an
 * {@link Entry} that the operation closes (try-with-resources) when it ends. Closing an entry
 * twice counts once.
 *
 * <p>How it fails: it does not; an entry that is never closed keeps the count up.
 *
 * <p>Python counterpart: none built in; the seeds count in-flight requests by hand with a
 * counter incremented inside {@code async with semaphore:}.
 */
public final class InFlightGauge {

    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final AtomicLong entered = new AtomicLong();

    /** Creates a gauge at zero. */
    public InFlightGauge() {
    }

    /** Counts one more operation in flight until the returned entry is closed. */
    public Entry enter() {
        int now = current.incrementAndGet();
        entered.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
        return new Entry();
    }

    /** Runs {@code work} on the current thread, counted as in flight while it runs. */
    public <T> T track(Callable<T> work) throws Exception {
        Entry entry = enter();
        try {
            return work.call();
        } finally {
            entry.close();
        }
    }

    /** How many operations are in flight now. */
    public int current() {
        return current.get();
    }

    /** The highest number of operations that were in flight at once. */
    public int max() {
        return max.get();
    }

    /** How many operations have entered in all. */
    public long entered() {
        return entered.get();
    }

    @Override
    public String toString() {
        return "InFlightGauge[current=" + current() + ", max=" + max() + ", entered=" + entered() + "]";
    }

    /** One operation in flight; closing it ends the operation's count. */
    public final class Entry implements AutoCloseable {
        private final AtomicBoolean closed = new AtomicBoolean();

        private Entry() {
        }

        /** Ends this operation's count (only the first call counts). */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                current.decrementAndGet();
            }
        }
    }
}
