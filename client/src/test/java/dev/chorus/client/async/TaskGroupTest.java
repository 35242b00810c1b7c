package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class TaskGroupTest {

    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final CountDownLatch never = new CountDownLatch(1);

    /** Blocks until interrupted, records the interrupt, and rethrows it. */
    private String blockUntilInterrupted(String who, CountDownLatch started) throws InterruptedException {
        started.countDown();
        try {
            never.await();
            return "never";
        } catch (InterruptedException e) {
            events.add(who + " interrupted");
            throw e;
        }
    }

    @Test
    void resultsAreAvailableAfterTheGroupCloses() {
        Task<Integer> a;
        Task<Integer> b;
        try (var group = new TaskGroup("users")) {
            a = group.fork("user-1", () -> 1);
            b = group.fork("user-2", () -> 2);
        }
        assertEquals(List.of(1, 2), List.of(a.resultNow(), b.resultNow()));
        assertEquals("user-1", a.name());
        assertTrue(a.isTerminated() && b.isTerminated());
    }

    @Test
    void tasksRunOnVirtualThreadsNamedAfterTheTask() {
        Task<String> t;
        try (var group = new TaskGroup()) {
            t = group.fork("named", () -> Thread.currentThread().getName() + " " + Thread.currentThread().isVirtual());
        }
        assertEquals("named true", t.resultNow());
    }

    @Test
    void firstFailureCancelsAndInterruptsSiblings() {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Task<String>> sleeper = new AtomicReference<>();
        TaskGroup group = new TaskGroup("g");
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> {
            try (group) {
                sleeper.set(group.fork("sleeper", () -> blockUntilInterrupted("sleeper", started)));
                group.fork("failer", () -> {
                    started.await();
                    throw new IllegalStateException("boom");
                });
            }
        });
        assertEquals("1 of 2 tasks failed in task group 'g': failer: java.lang.IllegalStateException: boom",
                e.getMessage());
        assertEquals(List.of("sleeper interrupted"), List.copyOf(events));
        assertEquals(Future.State.CANCELLED, sleeper.get().state());
        assertEquals(List.of("failer"), e.failedTaskNames());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(0, e.getSuppressed().length);
        assertEquals(2, e.taskCount());
        assertEquals("g", e.groupName());
        assertTrue(group.tasks().stream().allMatch(Task::isTerminated), "no thread outlives the group");
    }

    @Test
    void everyFailureIsReportedIncludingACancelledTasksCleanupFailure() {
        CountDownLatch started = new CountDownLatch(2);
        TaskGroup group = new TaskGroup("g");
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> {
            try (group) {
                group.fork("quiet", () -> blockUntilInterrupted("quiet", started));
                group.fork("cleaner", () -> {
                    try {
                        return blockUntilInterrupted("cleaner", started);
                    } catch (InterruptedException interrupted) {
                        throw new IOException("cleanup failed");
                    }
                });
                group.fork("failer", () -> {
                    started.await();
                    throw new IllegalStateException("boom");
                });
            }
        });
        assertEquals("2 of 3 tasks failed in task group 'g': failer: java.lang.IllegalStateException: boom; "
                + "cleaner: java.io.IOException: cleanup failed", e.getMessage());
        assertEquals(List.of("failer", "cleaner"), e.failedTaskNames());
        assertEquals(2, e.failures().size());
        assertEquals(List.of("cleanup failed"), e.failures(IOException.class).stream().map(Throwable::getMessage).toList());
        assertEquals(1, e.failures(IllegalStateException.class).size());
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(IOException.class, e.getSuppressed()[0]);
        assertTrue(events.containsAll(List.of("quiet interrupted", "cleaner interrupted")));
    }

    @Test
    void aForkAfterAFailureReturnsACancelledTaskThatNeverRuns() throws Exception {
        TaskGroup group = new TaskGroup("g");
        Task<Object> failer = group.fork("failer", () -> {
            throw new IllegalStateException("boom");
        });
        failer.awaitTermination();
        Task<String> late = group.fork("late", () -> {
            events.add("late ran");
            return "late";
        });
        assertTrue(late.isCancelled());
        TaskGroupException e = assertThrows(TaskGroupException.class, group::close);
        assertEquals("1 of 2 tasks failed in task group 'g': failer: java.lang.IllegalStateException: boom", e.getMessage());
        assertTrue(late.isTerminated());
        assertTrue(events.isEmpty(), "the late task's work never ran");

        TaskGroup cancelled = new TaskGroup("x");
        cancelled.cancel();
        assertTrue(cancelled.fork(() -> 1).isCancelled());
        cancelled.close();
    }

    @Test
    void forkIsRejectedOnceTheGroupIsClosed() {
        TaskGroup closed = new TaskGroup("c");
        closed.close();
        IllegalStateException afterClose = assertThrows(IllegalStateException.class, () -> closed.fork(() -> 1));
        assertEquals("task group 'c' is closed; fork rejected", afterClose.getMessage());
    }

    @Test
    void joinReportsTheFailureAndCloseDoesNotThrowItAgain() {
        TaskGroup group = new TaskGroup("g");
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> {
            try (group) {
                group.fork("failer", () -> {
                    throw new IOException("down");
                });
                group.join();
            }
        });
        assertEquals(0, e.getSuppressed().length, "close() must not add the same failure again");
        assertEquals("1 of 1 task failed in task group 'g': failer: java.io.IOException: down", e.getMessage());
    }

    @Test
    void cancelStopsEveryTaskWithoutFailure() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        try (var group = new TaskGroup("g")) {
            group.fork("a", () -> blockUntilInterrupted("a", started));
            group.fork("b", () -> blockUntilInterrupted("b", started));
            started.await();
            group.cancel();
            group.join();
            assertTrue(group.tasks().stream().allMatch(Task::isCancelled));
        }
        assertEquals(2, events.size());
    }

    @Test
    void joinWaitsForTasksForkedByTasks() throws Exception {
        AtomicReference<Task<String>> grandchild = new AtomicReference<>();
        try (var group = new TaskGroup("g")) {
            group.fork("child", () -> {
                grandchild.set(group.fork("grandchild", () -> {
                    Thread.sleep(20);
                    events.add("grandchild done");
                    return "ok";
                }));
                return "child";
            });
            group.join();
            assertEquals(List.of("grandchild done"), List.copyOf(events));
        }
        assertEquals("ok", grandchild.get().resultNow());
    }

    @Test
    void interruptingTheOwnerInJoinCancelsEveryChild() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<TaskGroup> groupRef = new AtomicReference<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            TaskGroup group = new TaskGroup("g");
            groupRef.set(group);
            group.fork("a", () -> blockUntilInterrupted("a", started));
            group.fork("b", () -> blockUntilInterrupted("b", started));
            try {
                group.join();
                events.add("join returned");
            } catch (InterruptedException e) {
                events.add("owner got InterruptedException");
            }
            group.close();
            events.add("closed");
        });
        started.await();
        owner.interrupt();
        owner.join();
        assertEquals(List.of("a interrupted", "b interrupted", "owner got InterruptedException", "closed").stream().sorted().toList(),
                events.stream().sorted().toList());
        assertTrue(groupRef.get().tasks().stream().allMatch(t -> t.isCancelled() && t.isTerminated()));
    }

    @Test
    void interruptingTheOwnerInCloseCancelsEveryChildAndKeepsTheInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            try (var group = new TaskGroup("g")) {
                group.fork("a", () -> blockUntilInterrupted("a", started));
            } catch (CancellationException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        started.await();
        owner.interrupt();
        owner.join();
        assertEquals("task group 'g' was cancelled: its owner thread was interrupted", thrown.get().getMessage());
        assertTrue(stillInterrupted.get());
        assertEquals(List.of("a interrupted"), List.copyOf(events));
    }

    @Test
    void aGroupWithATimeoutCancelsItsTasksAtTheDeadline() {
        CountDownLatch started = new CountDownLatch(1);
        TaskGroup group = TaskGroup.withTimeout("slow", Duration.ofMillis(50));
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class, () -> {
            try (group) {
                Task<String> fast = group.fork("fast", () -> "done");
                group.fork("sleeper", () -> blockUntilInterrupted("sleeper", started));
                fast.awaitTermination(); // only the sleeper is unfinished at the deadline
                started.await();
            }
        });
        assertEquals("task group 'slow' exceeded the timeout of 50 ms; 1 unfinished task was cancelled", e.getMessage());
        assertEquals(List.of("sleeper interrupted"), List.copyOf(events));
        assertTrue(group.tasks().stream().allMatch(Task::isTerminated));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void aGroupThatFinishesInTimeIsNotAffectedByItsTimeout() {
        Task<String> t;
        try (var group = TaskGroup.withTimeout(Duration.ofHours(1))) {
            t = group.fork(() -> "done");
        }
        assertEquals("done", t.resultNow());
    }
}
