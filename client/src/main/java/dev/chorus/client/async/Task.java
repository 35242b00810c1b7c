package dev.chorus.client.async;

import dev.chorus.client.internal.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A named unit of work running on its own (by default virtual) thread, with a {@link Future} view
 * of its result.
 *
 * <p>Threading: the work starts as soon as the task is created (by {@link Tasks#start} or
 * {@link TaskGroup#fork}); every method may be called from any thread. {@link #cancel(boolean)
 * cancel(true)} interrupts the task's thread; the task then counts as cancelled whatever its
 * body does afterwards.
 *
 * <p>Who closes it: nobody; the thread ends when the body returns. A task started with
 * {@link Tasks#start} is not owned by any scope: keep a reference and await or cancel it (a
 * {@link TaskGroup} is the structured alternative).
 *
 * <p>How it fails: {@link #await()} returns the value, or throws {@link CompletionException}
 * whose cause is the body's exception, or {@link CancellationException} if the task was cancelled;
 * {@link #get()} keeps the JDK's checked {@link ExecutionException} form.
 *
 * <p>Python counterpart: {@code asyncio.Task} (from {@code asyncio.create_task(coro, name=...)});
 * {@code await task} is {@link #await()}, {@code task.result()} is {@link #resultNow()},
 * {@code task.get_name()} is {@link #name()}.
 *
 * @param <T> the type of the result
 */
public final class Task<T> implements Future<T> {

    private static final AtomicLong COUNTER = new AtomicLong();

    private final String name;
    private final Body body;
    private final Thread thread;
    private final Object lock = new Object();
    /** Listeners to run once done; {@code null} once they have run. */
    private List<Consumer<? super Task<T>>> listeners = new ArrayList<>();

    private Task(String name, Callable<? extends T> work, ThreadFactory factory) {
        this.name = name;
        this.body = new Body(work);
        this.thread = factory.newThread(body);
        if (thread == null) {
            throw new IllegalStateException("the thread factory refused to create a thread for task '" + name + "'");
        }
        thread.setName(name);
    }

    /**
     * Creates and starts a task.
     *
     * @param onDone called once when the task completes or fails (on the task's thread, before it
     *               ends) or is cancelled (on the cancelling thread); may be {@code null}
     */
    static <T> Task<T> start(String name, Callable<? extends T> work, ThreadFactory factory,
                             Consumer<? super Task<T>> onDone) {
        return start(name, work, factory, onDone, false);
    }

    /**
     * Creates and starts a task; if {@code cancelled}, the task is cancelled before its thread
     * starts, so its work never runs.
     */
    static <T> Task<T> start(String name, Callable<? extends T> work, ThreadFactory factory,
                             Consumer<? super Task<T>> onDone, boolean cancelled) {
        Task<T> task = new Task<>(name == null ? nextName() : name, Objects.requireNonNull(work, "work"), factory);
        if (onDone != null) {
            task.listeners.add(onDone);
        }
        if (cancelled) {
            task.cancel(false);
        }
        // Started even when cancelled: the thread ends at once, and every task has a thread to join.
        task.thread.start();
        return task;
    }

    static String nextName() {
        return "task-" + COUNTER.incrementAndGet();
    }

    /** The task's name, also the name of its thread. */
    public String name() {
        return name;
    }

    /**
     * Waits for the task and returns its value, like Python's {@code await task}.
     *
     * @throws CompletionException   if the task failed; the cause is the task's exception
     * @throws CancellationException if the task was cancelled
     * @throws InterruptedException  if the waiting thread is interrupted (the task keeps running,
     *                               as with {@code asyncio.shield})
     */
    public T await() throws InterruptedException {
        try {
            return body.get();
        } catch (ExecutionException e) {
            throw new CompletionException("task '" + name + "' failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw cancelled();
        }
    }

    private CancellationException cancelled() {
        return new CancellationException("task '" + name + "' was cancelled");
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return body.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return body.isCancelled();
    }

    @Override
    public boolean isDone() {
        return body.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return body.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return body.get(timeout, unit);
    }

    @Override
    public T resultNow() {
        if (body.isCancelled()) {
            throw new IllegalStateException("task '" + name + "' was cancelled");
        }
        return body.resultNow();
    }

    @Override
    public Throwable exceptionNow() {
        return body.exceptionNow();
    }

    @Override
    public State state() {
        return body.state();
    }

    /** {@code true} once the task's thread has ended (a cancelled task may still be running its cleanup). */
    public boolean isTerminated() {
        return thread.getState() == Thread.State.TERMINATED;
    }

    /**
     * Waits until the task's thread has ended, not only until its result is known: after
     * {@link #cancel(boolean)} this waits for the task's cleanup ({@code finally} blocks), as
     * Python's {@code await task} does after {@code task.cancel()}.
     *
     * @throws InterruptedException if the waiting thread is interrupted (the task is not cancelled)
     */
    public void awaitTermination() throws InterruptedException {
        thread.join();
    }

    /** Waits until the thread has ended or the timeout passed; {@code true} if it ended. */
    boolean awaitTermination(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return isTerminated();
        }
        return thread.join(java.time.Duration.ofNanos(nanos));
    }

    /** Waits until the thread has ended, ignoring interrupts (restoring the flag afterwards). */
    void awaitTerminationUninterruptibly() {
        Threads.joinUninterruptibly(thread);
    }

    /** Runs {@code listener} once the task is done (at once if it already is). */
    void whenDone(Consumer<? super Task<T>> listener) {
        boolean now;
        synchronized (lock) {
            now = listeners == null;
            if (!now) {
                listeners.add(listener);
            }
        }
        if (now) {
            listener.accept(this);
        }
    }

    private void fireDone() {
        List<Consumer<? super Task<T>>> toRun;
        synchronized (lock) {
            toRun = listeners;
            listeners = null;
        }
        if (toRun != null) {
            for (Consumer<? super Task<T>> listener : toRun) {
                listener.accept(this);
            }
        }
    }

    @Override
    public String toString() {
        return "Task[" + name + ", " + state() + "]";
    }

    /**
     * What the body threw, kept even when the task was cancelled (a {@link FutureTask} drops it
     * then): a task group reports a cancelled task's cleanup failure.
     */
    Throwable thrown() {
        return thrown;
    }

    private volatile Throwable thrown;

    private final class Body extends FutureTask<T> {
        Body(Callable<? extends T> work) {
            super(() -> {
                try {
                    return work.call();
                } catch (Throwable e) {
                    thrown = e;
                    throw e;
                }
            });
        }

        @Override
        protected void done() {
            fireDone();
        }
    }
}
