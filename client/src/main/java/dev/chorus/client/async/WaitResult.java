package dev.chorus.client.async;

import java.util.List;

/**
 * What a bounded wait over several tasks found: the tasks that were done and those that were
 * still pending (and have been cancelled).
 *
 * <p>Threading: immutable lists of tasks; the tasks themselves are thread-safe. Who closes it:
 * nothing to close; every pending task has already been cancelled and its thread has ended.
 * How it fails: it does not; inspect each done task with {@link Task#state()},
 * {@link Task#resultNow()} or {@link Task#exceptionNow()}.
 *
 * <p>Python counterpart: the {@code (done, pending)} pair returned by {@code asyncio.wait}, here
 * in the order the tasks were given (Python returns sets).
 *
 * @param done    the tasks that ended (succeeded, failed or were cancelled) before the wait ended
 * @param pending the tasks that had not ended and were cancelled
 * @param <T>     the type of the tasks' results
 */
public record WaitResult<T>(List<Task<T>> done, List<Task<T>> pending) {

    /** Creates a result; copies both lists. */
    public WaitResult {
        done = List.copyOf(done);
        pending = List.copyOf(pending);
    }
}
