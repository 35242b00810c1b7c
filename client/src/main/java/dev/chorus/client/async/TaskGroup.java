package dev.chorus.client.async;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * A scope that runs tasks on virtual threads, waits for all of them, and cancels the others as
 * soon as one fails.
 *
 * <pre>{@code
 * Task<User> a, b;
 * try (var group = new TaskGroup("users")) {
 *     a = group.fork("user-1", () -> fetchUser(1));
 *     b = group.fork("user-2", () -> fetchUser(2));
 * }                        // close() waits for both; throws TaskGroupException if any failed
 * List<User> users = List.of(a.resultNow(), b.resultNow());
 * }</pre>
 *
 * <p>Threading: one owner thread opens, joins and closes the group; {@link #fork} may be called
 * from any thread, including from inside the group's own tasks. On the first failure of a task,
 * every other task is cancelled ({@linkplain Future#cancel(boolean) cancelled} and interrupted),
 * and later forks return tasks that are already cancelled. If the owner is interrupted while it
 * waits in {@link #join()} or {@link #close()}, every task is cancelled. {@link #join()} and
 * {@link #close()} return only after every task's thread has ended, cleanup included: no thread
 * outlives the group.
 *
 * <p>Who closes it: the owner, with try-with-resources; {@code close()} joins. Unlike Python's
 * {@code async with}, {@code close()} cannot see an exception thrown by the block itself, so it
 * still waits for the tasks: call {@link #cancel()} first if the block fails and the tasks should
 * stop.
 *
 * <p>How it fails: {@link TaskGroupException} lists every task failure. Cancelled siblings are not
 * failures; but if a cancelled task's cleanup throws something other than the usual reaction to
 * an interrupt ({@link InterruptedException}, {@link java.io.InterruptedIOException},
 * {@link java.nio.channels.ClosedByInterruptException}, {@link CancellationException}, or an
 * exception caused by one), that is reported too, as Python does.
 * {@link TimeoutExceededException} if a group made {@link #withTimeout(Duration) with a timeout}
 * was still running at its deadline (every task is then cancelled);
 * {@link InterruptedException} from {@link #join()} or {@link CancellationException} from
 * {@link #close()} (with the interrupt flag restored) if the owner was interrupted.
 *
 * <p>Python counterpart: {@code asyncio.TaskGroup}; {@code tg.create_task(coro)} is
 * {@link #fork(Callable)}; {@code async with asyncio.timeout(t): async with TaskGroup()} is
 * {@link #withTimeout(Duration)}.
 */
public final class TaskGroup implements AutoCloseable {

    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();

    private final String name;
    private final ThreadFactory threads;
    private final Duration timeout;
    private final long deadlineNanos;

    private final Object lock = new Object();
    private final List<Task<?>> tasks = new ArrayList<>();
    private final List<TaskGroupException.Failure> failed = new ArrayList<>();
    private boolean cancelling;
    private boolean closed;
    private RuntimeException outcome;
    private boolean outcomeThrown;

    /** Opens a group named {@code task-group} without a timeout. */
    public TaskGroup() {
        this("task-group");
    }

    /** Opens a named group (the name appears in its errors) without a timeout. */
    public TaskGroup(String name) {
        this(name, null, VIRTUAL);
    }

    TaskGroup(String name, Duration timeout, ThreadFactory threads) {
        this.name = Objects.requireNonNull(name, "name");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.timeout = timeout;
        this.deadlineNanos = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    }

    /**
     * Opens a group whose tasks must all end within {@code timeout} of now; at the deadline
     * {@link #join()} cancels them and throws {@link TimeoutExceededException}.
     */
    public static TaskGroup withTimeout(Duration timeout) {
        return withTimeout("task-group", timeout);
    }

    /** Like {@link #withTimeout(Duration)}, with a name that appears in its errors. */
    public static TaskGroup withTimeout(String name, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return new TaskGroup(name, timeout, VIRTUAL);
    }

    /** The group's name. */
    public String name() {
        return name;
    }

    /** Starts {@code work} on a new virtual thread with a generated name. */
    public <T> Task<T> fork(Callable<? extends T> work) {
        return fork(null, work);
    }

    /**
     * Starts {@code work} on a new virtual thread named {@code taskName}.
     *
     * <p>If the group is shutting down (after a failure, a {@link #cancel()} or its timeout), the
     * returned task is already cancelled and {@code work} never runs: a loop that forks keeps
     * going, and the failure that stopped the group is thrown by {@link #join()} or
     * {@link #close()}.
     *
     * @throws IllegalStateException if the group is closed
     */
    public <T> Task<T> fork(String taskName, Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("task group '" + name + "' is closed; fork rejected");
            }
            Task<T> task = Task.start(taskName, work, threads, this::onDone, cancelling);
            tasks.add(task);
            return task;
        }
    }

    private void onDone(Task<?> task) {
        if (task.state() != Future.State.FAILED) {
            return;
        }
        boolean first;
        synchronized (lock) {
            failed.add(new TaskGroupException.Failure(task.name(), task.exceptionNow()));
            first = !cancelling;
            cancelling = true;
        }
        if (first) {
            cancelAll();
        }
    }

    /**
     * Cancels every task of the group (interrupting its thread); later forks return cancelled
     * tasks. Does not wait. Cancelled tasks are not failures.
     */
    public void cancel() {
        synchronized (lock) {
            cancelling = true;
        }
        cancelAll();
    }

    private void cancelAll() {
        for (Task<?> task : snapshot()) {
            task.cancel(true);
        }
    }

    private List<Task<?>> snapshot() {
        synchronized (lock) {
            return List.copyOf(tasks);
        }
    }

    /** The tasks forked so far, in fork order. */
    public List<Task<?>> tasks() {
        return snapshot();
    }

    /**
     * Waits until every task has ended (including tasks forked while waiting).
     *
     * @throws TaskGroupException       if any task failed; lists every failure
     * @throws TimeoutExceededException if the group has a timeout and it passed first
     * @throws InterruptedException     if the calling thread was interrupted; every task was
     *                                  cancelled and has ended before this is thrown
     */
    public void join() throws InterruptedException {
        RuntimeException result = awaitAll();
        if (result != null) {
            synchronized (lock) {
                outcomeThrown = true;
            }
            throw result;
        }
    }

    /**
     * Closes the group: no more forks, then waits like {@link #join()}. Throws nothing if
     * {@link #join()} already threw the group's failure.
     *
     * @throws TaskGroupException       if any task failed and {@link #join()} did not report it
     * @throws TimeoutExceededException if the group's timeout passed
     * @throws CancellationException    if the calling thread was interrupted while waiting; every
     *                                  task was cancelled and has ended, and the interrupt flag
     *                                  is set again
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        RuntimeException result;
        try {
            result = awaitAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException(
                    "task group '" + name + "' was cancelled: its owner thread was interrupted");
            cancelled.initCause(e);
            throw cancelled;
        }
        if (result != null) {
            synchronized (lock) {
                if (outcomeThrown) {
                    return;
                }
                outcomeThrown = true;
            }
            throw result;
        }
    }

    /** Waits for every task; returns the exception to throw, or null. */
    private RuntimeException awaitAll() throws InterruptedException {
        synchronized (lock) {
            if (outcome != null) {
                return outcome;
            }
        }
        boolean timedOut = false;
        try {
            while (true) {
                List<Task<?>> current = snapshot();
                for (Task<?> task : current) {
                    if (timeout == null) {
                        task.awaitTermination();
                    } else if (!task.awaitTermination(deadlineNanos - System.nanoTime())) {
                        timedOut = true;
                        break;
                    }
                }
                if (timedOut) {
                    break;
                }
                synchronized (lock) {
                    if (tasks.size() == current.size()) {
                        // Every task has ended, so none can fork again: the set is final.
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            cancel();
            awaitAllUninterruptibly();
            throw e;
        }
        long unfinished = 0;
        if (timedOut) {
            unfinished = snapshot().stream().filter(t -> !t.isDone()).count();
            cancel();
            awaitAllUninterruptibly();
        }
        synchronized (lock) {
            if (outcome == null) {
                outcome = buildOutcome(timedOut, unfinished);
            }
            return outcome;
        }
    }

    private RuntimeException buildOutcome(boolean timedOut, long unfinished) {
        if (timedOut) {
            TimeoutExceededException e = new TimeoutExceededException(
                    "task group '" + name + "' exceeded the timeout of " + TimeoutExceededException.describe(timeout)
                            + "; " + unfinished + " unfinished " + (unfinished == 1 ? "task was" : "tasks were")
                            + " cancelled", null);
            for (TaskGroupException.Failure failure : failed) {
                e.addSuppressed(failure.error());
            }
            return e;
        }
        for (Task<?> task : tasks) {
            Throwable thrown = task.thrown();
            if (task.isCancelled() && thrown != null && !isInterruption(thrown)) {
                // Cancelled, but its cleanup failed: Python's TaskGroup reports that too.
                failed.add(new TaskGroupException.Failure(task.name(), thrown));
            }
        }
        if (!failed.isEmpty()) {
            return new TaskGroupException(name, failed, tasks.size());
        }
        return null;
    }

    /** {@code true} if {@code e} is how blocking code reacts to an interrupt or a cancellation. */
    static boolean isInterruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }

    private void awaitAllUninterruptibly() {
        int done = 0;
        while (true) {
            List<Task<?>> current = snapshot();
            for (Task<?> task : current.subList(done, current.size())) {
                task.awaitTerminationUninterruptibly();
            }
            done = current.size();
            synchronized (lock) {
                if (tasks.size() == done) {
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "TaskGroup[" + name + ", tasks=" + tasks.size() + ", failed=" + failed.size()
                    + (cancelling ? ", cancelling" : "") + (closed ? ", closed" : "") + "]";
        }
    }
}
