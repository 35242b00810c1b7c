package dev.chorus.client.async;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by a {@link TaskGroup} when one or more of its tasks failed; it reports every failure,
 * not only the first.
 *
 * <p>Threading: thrown on the thread that joined or closed the group, after every task of the
 * group has ended. Siblings that were cancelled because of the first failure are not failures
 * and do not appear here, unless their cleanup threw something other than the usual reaction to
 * an interrupt (see {@link TaskGroup}).
 *
 * <p>Who closes it: nothing to close. How it fails: it is the failure. The first failure is the
 * {@linkplain #getCause() cause}, the others are {@linkplain #getSuppressed() suppressed}, and
 * {@link #failures()} lists all of them in the order they happened.
 *
 * <p>Python counterpart: the {@code ExceptionGroup} raised by {@code asyncio.TaskGroup};
 * {@code except* ValueError as eg: eg.exceptions} is {@link #failures(Class)
 * failures(ValueError.class)}.
 */
public class TaskGroupException extends RuntimeException {

    /** One failed task: its name and what it threw. */
    record Failure(String taskName, Throwable error) {
    }

    private final String groupName;
    private final List<Failure> failures;
    private final int taskCount;

    TaskGroupException(String groupName, List<Failure> failures, int taskCount) {
        super(message(groupName, failures, taskCount), failures.get(0).error());
        this.groupName = groupName;
        this.failures = List.copyOf(failures);
        this.taskCount = taskCount;
        for (Failure failure : failures.subList(1, failures.size())) {
            addSuppressed(failure.error());
        }
    }

    private static String message(String groupName, List<Failure> failures, int taskCount) {
        String list = failures.stream()
                .map(f -> f.taskName() + ": " + f.error())
                .collect(Collectors.joining("; "));
        return failures.size() + " of " + taskCount + (taskCount == 1 ? " task" : " tasks")
                + " failed in task group '" + groupName + "': " + list;
    }

    /** The name of the group that failed. */
    public String groupName() {
        return groupName;
    }

    /** Every failure, in the order the tasks failed. */
    public List<Throwable> failures() {
        return failures.stream().map(Failure::error).toList();
    }

    /** The failures that are instances of {@code type}, like Python's {@code except*}. */
    public <E extends Throwable> List<E> failures(Class<E> type) {
        return failures().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The names of the tasks that failed, in the same order as {@link #failures()}. */
    public List<String> failedTaskNames() {
        return failures.stream().map(Failure::taskName).toList();
    }

    /** How many tasks the group had in all. */
    public int taskCount() {
        return taskCount;
    }
}
