package dev.chorus.client.async;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Static entry points for starting tasks and waiting on several at once: gather in input order,
 * iterate as they complete, wait for the first, wait for all with a timeout.
 *
 * <p>Threading: every task runs on its own virtual thread; the methods that wait block the
 * calling thread (cheap on a virtual thread) and may be called from any thread.
 *
 * <p>Who closes it: nothing to close. The gathering and waiting methods are structured: when
 * they return or throw, every task they started or cancelled has ended, so no thread is left
 * behind. {@link #start} is not structured: the caller owns the task.
 *
 * <p>How it fails: {@link #gather} fails fast, cancels the remaining tasks, and throws a
 * {@link CompletionException} whose cause is the first failure (later failures suppressed);
 * {@link #gatherOutcomes} never fails for a task's sake. If the waiting thread is interrupted,
 * the tasks being waited on are cancelled and have ended before {@link InterruptedException}
 * (or, from an iterator, {@link CancellationException}) is thrown.
 *
 * <p>Python counterparts: {@code asyncio.create_task} ({@link #start}), {@code asyncio.gather}
 * ({@link #gather}; {@code gather(*[f(x) for x in xs])} is {@link #gather(Collection, Work)}),
 * {@code gather(..., return_exceptions=True)} ({@link #gatherOutcomes}),
 * {@code asyncio.as_completed} ({@link #asCompleted}), {@code asyncio.wait(...,
 * return_when=FIRST_COMPLETED)} ({@link #waitFirst}) and {@code asyncio.wait(..., timeout=t)}
 * ({@link #waitAll(Collection, Duration)}).
 */
public final class Tasks {

    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();

    private Tasks() {
    }

    /** Starts {@code work} on a new virtual thread; the caller owns the returned task. */
    public static <T> Task<T> start(Callable<? extends T> work) {
        return Task.start(null, work, VIRTUAL, null);
    }

    /** Starts {@code work} on a new virtual thread named {@code name}; the caller owns the task. */
    public static <T> Task<T> start(String name, Callable<? extends T> work) {
        return Task.start(Objects.requireNonNull(name, "name"), work, VIRTUAL, null);
    }

    /** Starts every piece of work, each on its own virtual thread; returns the tasks in input order. */
    public static <T> List<Task<T>> startAll(List<? extends Callable<? extends T>> work) {
        List<Task<T>> tasks = new ArrayList<>(work.size());
        for (Callable<? extends T> w : work) {
            tasks.add(Task.start(null, w, VIRTUAL, null));
        }
        return tasks;
    }

    /**
     * Runs every piece of work concurrently and returns the results in input order.
     *
     * @throws CompletionException  if any piece failed: the cause is the first failure, the other
     *                              failures are suppressed, and the other pieces were cancelled
     * @throws InterruptedException if the calling thread was interrupted (every piece cancelled)
     */
    public static <T> List<T> gather(List<? extends Callable<? extends T>> work) throws InterruptedException {
        List<Task<T>> tasks = new ArrayList<>(work.size());
        try (TaskGroup group = new TaskGroup("gather")) {
            for (int i = 0; i < work.size(); i++) {
                tasks.add(group.fork("gather-" + (i + 1), work.get(i)));
            }
            group.join();
        } catch (TaskGroupException e) {
            CompletionException failure = new CompletionException(
                    "task '" + e.failedTaskNames().get(0) + "' failed: " + e.getCause(), e.getCause());
            for (Throwable other : e.getSuppressed()) {
                failure.addSuppressed(other);
            }
            throw failure;
        }
        return tasks.stream().map(Task::resultNow).toList();
    }

    /** Varargs form of {@link #gather(List)}. */
    @SafeVarargs
    public static <T> List<T> gather(Callable<? extends T>... work) throws InterruptedException {
        List<Callable<? extends T>> list = new ArrayList<>(work.length);
        for (Callable<? extends T> w : work) {
            list.add(w);
        }
        return gather(list);
    }

    /**
     * Applies {@code work} to every input concurrently and returns the results in input order:
     * {@code Tasks.gather(urls, url -> fetch(url))}.
     *
     * @throws CompletionException  as {@link #gather(List)}
     * @throws InterruptedException as {@link #gather(List)}
     */
    public static <I, T> List<T> gather(Collection<? extends I> inputs, Work<? super I, ? extends T> work)
            throws InterruptedException {
        return gather(bind(inputs, work));
    }

    /**
     * Applies {@code work} to every input concurrently and returns, in input order, what each
     * call returned or threw, like {@link #gatherOutcomes(List)}.
     */
    public static <I, T> List<Outcome<T>> gatherOutcomes(Collection<? extends I> inputs,
                                                         Work<? super I, ? extends T> work) throws InterruptedException {
        return gatherOutcomes(bind(inputs, work));
    }

    private static <I, T> List<Callable<T>> bind(Collection<? extends I> inputs, Work<? super I, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        List<Callable<T>> calls = new ArrayList<>(inputs.size());
        for (I input : inputs) {
            calls.add(() -> work.apply(input));
        }
        return calls;
    }

    /**
     * Work applied to one input; may throw checked exceptions.
     *
     * @param <I> the input type
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Work<I, T> {
        /** Does the work for {@code input}. */
        T apply(I input) throws Exception;
    }

    /**
     * Runs every piece of work concurrently to its end and returns, in input order, what each
     * returned or threw. One failure cancels nothing.
     *
     * @throws InterruptedException if the calling thread was interrupted (every piece cancelled)
     */
    public static <T> List<Outcome<T>> gatherOutcomes(List<? extends Callable<? extends T>> work)
            throws InterruptedException {
        List<Task<T>> tasks = new ArrayList<>(work.size());
        for (int i = 0; i < work.size(); i++) {
            tasks.add(Task.start("gather-" + (i + 1), work.get(i), VIRTUAL, null));
        }
        awaitTermination(tasks);
        return tasks.stream().map(Tasks::outcome).toList();
    }

    /** Varargs form of {@link #gatherOutcomes(List)}. */
    @SafeVarargs
    public static <T> List<Outcome<T>> gatherOutcomes(Callable<? extends T>... work) throws InterruptedException {
        List<Callable<? extends T>> list = new ArrayList<>(work.length);
        for (Callable<? extends T> w : work) {
            list.add(w);
        }
        return gatherOutcomes(list);
    }

    /** The outcome of a task that is done. */
    static <T> Outcome<T> outcome(Task<T> task) {
        return switch (task.state()) {
            case SUCCESS -> new Outcome.Success<>(task.resultNow());
            case FAILED -> new Outcome.Failure<>(task.exceptionNow());
            case CANCELLED -> new Outcome.Failure<>(new CancellationException("task '" + task.name() + "' was cancelled"));
            case RUNNING -> throw new IllegalStateException("task '" + task.name() + "' is still running");
        };
    }

    /**
     * Yields the tasks in the order they end (succeed, fail or are cancelled). Blocking: each
     * step of the iteration waits for the next task. Iterable once.
     *
     * <p>If the iterating thread is interrupted while waiting, the tasks not yet yielded are
     * cancelled and have ended, the interrupt flag is set again, and {@code next()} throws
     * {@link CancellationException}.
     */
    public static <T> Iterable<Task<T>> asCompleted(Collection<Task<T>> tasks) {
        List<Task<T>> all = List.copyOf(tasks);
        BlockingQueue<Task<T>> completed = new ArrayBlockingQueue<>(Math.max(1, all.size()));
        for (Task<T> task : all) {
            task.whenDone(completed::add);
        }
        AtomicBoolean iterated = new AtomicBoolean();
        return () -> {
            if (!iterated.compareAndSet(false, true)) {
                throw new IllegalStateException("asCompleted(...) can be iterated only once");
            }
            return new Iterator<>() {
                private int yielded;

                @Override
                public boolean hasNext() {
                    return yielded < all.size();
                }

                @Override
                public Task<T> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException("every task has been yielded");
                    }
                    try {
                        Task<T> next = completed.take();
                        yielded++;
                        return next;
                    } catch (InterruptedException e) {
                        cancelAndAwait(all);
                        Thread.currentThread().interrupt();
                        CancellationException cancelled = new CancellationException(
                                "interrupted while waiting for the next task to complete; the remaining tasks were cancelled");
                        cancelled.initCause(e);
                        throw cancelled;
                    }
                }
            };
        };
    }

    /**
     * Waits until the first task ends (succeeds, fails or is cancelled), cancels the others,
     * waits for them to end, and returns the first.
     *
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws InterruptedException     if the calling thread was interrupted (every task cancelled)
     */
    public static <T> Task<T> waitFirst(Collection<Task<T>> tasks) throws InterruptedException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("waitFirst needs at least one task");
        }
        List<Task<T>> all = List.copyOf(tasks);
        AtomicReference<Task<T>> first = new AtomicReference<>();
        CountDownLatch oneDone = new CountDownLatch(1);
        for (Task<T> task : all) {
            task.whenDone(t -> {
                if (first.compareAndSet(null, t)) {
                    oneDone.countDown();
                }
            });
        }
        try {
            oneDone.await();
        } catch (InterruptedException e) {
            cancelAndAwait(all);
            throw e;
        }
        cancelAndAwait(all);
        return first.get();
    }

    /**
     * Waits until every task has ended; returns them all as done.
     *
     * @throws InterruptedException if the calling thread was interrupted (every task cancelled)
     */
    public static <T> WaitResult<T> waitAll(Collection<Task<T>> tasks) throws InterruptedException {
        List<Task<T>> all = List.copyOf(tasks);
        awaitTermination(all);
        return new WaitResult<>(all, List.of());
    }

    /**
     * Waits until every task has ended or {@code timeout} has passed; the tasks still running
     * then are cancelled, have ended when this returns, and are listed as pending.
     *
     * @throws InterruptedException if the calling thread was interrupted (every task cancelled)
     */
    public static <T> WaitResult<T> waitAll(Collection<Task<T>> tasks, Duration timeout) throws InterruptedException {
        List<Task<T>> all = List.copyOf(tasks);
        CountDownLatch allDone = new CountDownLatch(all.size());
        for (Task<T> task : all) {
            task.whenDone(t -> allDone.countDown());
        }
        try {
            allDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            cancelAndAwait(all);
            throw e;
        }
        List<Task<T>> done = new ArrayList<>();
        List<Task<T>> pending = new ArrayList<>();
        for (Task<T> task : all) {
            // Decide before cancelling: cancel() makes every task report done.
            (task.isDone() ? done : pending).add(task);
        }
        cancelAndAwait(pending);
        done.forEach(Task::awaitTerminationUninterruptibly);
        // A pending task may have finished between the check and cancel(); it stays pending.
        return new WaitResult<>(done, pending);
    }

    private static <T> void awaitTermination(List<Task<T>> tasks) throws InterruptedException {
        try {
            for (Task<T> task : tasks) {
                task.awaitTermination();
            }
        } catch (InterruptedException e) {
            cancelAndAwait(tasks);
            throw e;
        }
    }

    private static <T> void cancelAndAwait(List<Task<T>> tasks) {
        for (Task<T> task : tasks) {
            task.cancel(true);
        }
        for (Task<T> task : tasks) {
            task.awaitTerminationUninterruptibly();
        }
    }
}
