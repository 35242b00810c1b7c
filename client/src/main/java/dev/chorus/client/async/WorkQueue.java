package dev.chorus.client.async;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO queue of work items that producers close instead of sending sentinels, and that
 * counts unfinished items so that a producer can wait until every item has been processed.
 *
 * <pre>{@code
 * var queue = new WorkQueue<String>(20);
 * // consumer, on its own virtual thread: handles items until the queue is closed and drained
 * queue.consume(item -> handle(item));
 * // or by hand:
 * for (Optional<String> item; (item = queue.take()).isPresent(); ) {
 *     try { handle(item.get()); } finally { queue.taskDone(); }
 * }
 * // producer:
 * for (String job : jobs) queue.put(job);
 * queue.join();     // every item handled
 * queue.close();    // consumers drain what is left, then take() returns empty
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. {@link #put} blocks while the queue
 * is full, {@link #take} while it is empty and open; both park (cheap on virtual threads, no
 * pinning).
 *
 * <p>Who closes it: the producer side, with {@link #close()}, once nothing more will be put;
 * the items already queued are still handed out. Closing twice is harmless.
 *
 * <p>How it fails: {@link #put} throws {@link IllegalStateException} on a closed queue (also
 * when it was blocked waiting for room when the queue was closed); {@link #taskDone()} throws
 * {@link IllegalStateException} when called more times than items were put; waiting methods
 * throw {@link InterruptedException} when the waiting thread is interrupted.
 *
 * <p>Python counterpart: {@code asyncio.Queue(maxsize)} with {@code put}, {@code get},
 * {@code task_done} and {@code join}; {@link #close()} replaces the {@code None} sentinels
 * (and Python 3.13's {@code Queue.shutdown()}), and {@code asyncio.wait_for(queue.get(), t)} is
 * {@link #poll(Duration)}.
 *
 * @param <T> the type of the items
 */
public final class WorkQueue<T> implements AutoCloseable {

    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allDone = lock.newCondition();
    private boolean closed;
    private long unfinished;

    /** Creates a queue that holds at most {@code capacity} items. */
    public WorkQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds {@code item}, waiting for room if the queue is full.
     *
     * @throws IllegalStateException if the queue is closed
     * @throws NullPointerException  if {@code item} is null
     */
    public void put(T item) throws InterruptedException {
        java.util.Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (!closed && items.size() >= capacity) {
                notFull.await();
            }
            if (closed) {
                throw new IllegalStateException("the work queue is closed; put rejected");
            }
            items.addLast(item);
            unfinished++;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next item, waiting while the queue is empty and open.
     *
     * @return the item, or empty once the queue is closed and every item has been taken
     */
    public Optional<T> take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !closed) {
                notEmpty.await();
            }
            return Optional.ofNullable(removeFirst());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next item, waiting at most {@code timeout}.
     *
     * @return the item, or empty if none came in time or the queue is closed and drained
     *         ({@link #isDrained()} tells the two apart)
     */
    public Optional<T> poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return Optional.ofNullable(removeFirst());
        } finally {
            lock.unlock();
        }
    }

    private T removeFirst() {
        T item = items.pollFirst();
        if (item != null) {
            notFull.signal();
        } else {
            // Closed and drained: wake the other consumers so that they end too.
            notEmpty.signalAll();
        }
        return item;
    }

    /**
     * Hands every item to {@code handler}, one at a time, marking each {@linkplain #taskDone()
     * done} after it is handled (also when it fails), until the queue is closed and drained.
     *
     * @throws X                    what {@code handler} threw; the loop stops there
     * @throws InterruptedException if the thread is interrupted while waiting for an item
     */
    public <X extends Exception> void consume(Handler<? super T, X> handler) throws X, InterruptedException {
        for (Optional<T> item; (item = take()).isPresent(); ) {
            try {
                handler.handle(item.get());
            } finally {
                taskDone();
            }
        }
    }

    /**
     * Handles one item of a {@link WorkQueue}.
     *
     * @param <T> the type of the items
     * @param <X> the checked exception it may throw ({@link RuntimeException} if none)
     */
    @FunctionalInterface
    public interface Handler<T, X extends Exception> {
        /** Handles {@code item}. */
        void handle(T item) throws X;
    }

    /**
     * Marks one taken item as processed.
     *
     * @throws IllegalStateException if every item put has already been marked done
     */
    public void taskDone() {
        lock.lock();
        try {
            if (unfinished == 0) {
                throw new IllegalStateException("taskDone() called more times than items were put");
            }
            if (--unfinished == 0) {
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every item put so far has been taken and marked {@linkplain #taskDone() done}. */
    public void join() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (unfinished > 0) {
                allDone.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the queue: further puts fail, blocked producers fail, and consumers get the queued
     * items and then an empty result.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code true} once {@link #close()} was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** {@code true} once the queue is closed and empty: {@link #take()} will return empty. */
    public boolean isDrained() {
        lock.lock();
        try {
            return closed && items.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The number of items waiting to be taken. */
    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** The number of items put and not yet marked done (queued or being processed). */
    public long unfinished() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }

    /** The most items the queue holds. */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "WorkQueue[size=" + items.size() + "/" + capacity + ", unfinished=" + unfinished
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
