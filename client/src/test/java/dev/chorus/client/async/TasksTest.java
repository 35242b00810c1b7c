package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class TasksTest {

    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final CountDownLatch never = new CountDownLatch(1);

    /** Counted down by every task made by {@link #blockUntilInterrupted} once it runs. */
    private final java.util.concurrent.Semaphore started = new java.util.concurrent.Semaphore(0);

    private <T> Callable<T> blockUntilInterrupted(String who) {
        return () -> {
            started.release();
            try {
                never.await();
                return null;
            } catch (InterruptedException e) {
                events.add(who + " interrupted");
                throw e;
            }
        };
    }

    @Test
    void gatherKeepsInputOrderWhateverTheCompletionOrder() throws Exception {
        // The last input finishes first, then releases the one before it, and so on.
        CountDownLatch[] go = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        List<Callable<Integer>> work = new ArrayList<>();
        int[] factorials = {24, 6, 2};
        for (int i = 0; i < 3; i++) {
            int index = i;
            work.add(() -> {
                if (index < 2) {
                    go[index].await();
                }
                events.add("finished " + index);
                if (index > 0) {
                    go[index - 1].countDown();
                }
                return factorials[index];
            });
        }
        assertEquals(List.of(24, 6, 2), Tasks.gather(work));
        assertEquals(List.of("finished 2", "finished 1", "finished 0"), List.copyOf(events));
    }

    @Test
    void gatherAcceptsVarargsAndNullResults() throws Exception {
        assertEquals(Arrays.asList("a", null), Tasks.gather(() -> "a", () -> null));
    }

    @Test
    void gatherAppliesWorkToEveryInputInOrder() throws Exception {
        assertEquals(List.of(1, 4, 9), Tasks.gather(List.of(1, 2, 3), n -> n * n));
        List<Outcome<Integer>> outcomes = Tasks.gatherOutcomes(List.of("1", "x"), Integer::parseInt);
        assertEquals(1, outcomes.get(0).orElseThrow());
        assertInstanceOf(NumberFormatException.class, outcomes.get(1).errorOrNull());
    }

    @Test
    void noThreadOutlivesAGather() throws Exception {
        ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
        Tasks.gather(List.of(1, 2, 3), n -> {
            threads.add(Thread.currentThread());
            return n;
        });
        Tasks.gatherOutcomes(List.of(1, 2), n -> {
            threads.add(Thread.currentThread());
            throw new IOException("down " + n);
        });
        CountDownLatch secondRuns = new CountDownLatch(1);
        assertThrows(CompletionException.class, () -> Tasks.gather(List.of(1, 2), n -> {
            threads.add(Thread.currentThread());
            if (n == 1) {
                secondRuns.await();
                throw new IOException("down");
            }
            secondRuns.countDown();
            never.await();
            return n;
        }));
        assertEquals(7, threads.size());
        assertTrue(threads.stream().noneMatch(Thread::isAlive), "every worker thread has ended");
    }

    @Test
    void gatherFailsFastCancellingTheRest() {
        CompletionException e = assertThrows(CompletionException.class, () -> Tasks.gather(
                blockUntilInterrupted("slow"),
                () -> {
                    started.acquire(); // fail only once the other task runs, so that it is interrupted
                    throw new IOException("down");
                }));
        assertEquals("task 'gather-2' failed: java.io.IOException: down", e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(List.of("slow interrupted"), List.copyOf(events), "the other task was cancelled before gather threw");
    }

    @Test
    void anInterruptedGatherCancelsEveryTask() throws Exception {
        for (boolean outcomes : new boolean[] {false, true}) {
            events.clear();
            AtomicReference<Throwable> got = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    List<Callable<Object>> work = List.of(blockUntilInterrupted("a"), blockUntilInterrupted("b"));
                    if (outcomes) {
                        Tasks.gatherOutcomes(work);
                    } else {
                        Tasks.gather(work);
                    }
                } catch (Throwable e) {
                    got.set(e);
                }
            });
            started.acquire(2);
            caller.interrupt();
            caller.join();
            assertInstanceOf(InterruptedException.class, got.get());
            assertEquals(List.of("a interrupted", "b interrupted"), events.stream().sorted().toList(),
                    "every task was interrupted and ended before gather threw");
        }
    }

    @Test
    void gatherOutcomesReturnsValuesAndErrorsSideBySide() throws Exception {
        List<Outcome<Integer>> outcomes = Tasks.gatherOutcomes(
                () -> 1,
                () -> {
                    throw new IOException("down");
                },
                () -> 3);
        List<String> shown = new ArrayList<>();
        for (Outcome<Integer> o : outcomes) {
            shown.add(switch (o) {
                case Outcome.Success<Integer>(var v) -> "ok " + v;
                case Outcome.Failure<Integer>(var error) -> "error " + error.getMessage();
            });
        }
        assertEquals(List.of("ok 1", "error down", "ok 3"), shown);
    }

    @Test
    void startRunsOnANamedVirtualThread() throws Exception {
        Task<String> t = Tasks.start("worker", () -> Thread.currentThread().getName() + " " + Thread.currentThread().isVirtual());
        assertEquals("worker true", t.await());
        assertEquals("worker", t.name());
        assertTrue(Tasks.start(() -> 1).name().startsWith("task-"));
    }

    @Test
    void awaitReportsFailureAndCancellationWithTheTaskName() throws Exception {
        Task<Object> failing = Tasks.start("fetch", () -> {
            throw new IOException("down");
        });
        CompletionException failed = assertThrows(CompletionException.class, failing::await);
        assertEquals("task 'fetch' failed: java.io.IOException: down", failed.getMessage());
        assertInstanceOf(IOException.class, failed.getCause());

        CountDownLatch started = new CountDownLatch(1);
        Callable<Object> body = blockUntilInterrupted("blocked");
        Task<Object> blocked = Tasks.start("blocked", () -> {
            started.countDown();
            return body.call();
        });
        started.await();
        blocked.cancel(true);
        CancellationException cancelled = assertThrows(CancellationException.class, blocked::await);
        assertEquals("task 'blocked' was cancelled", cancelled.getMessage());
        IllegalStateException noResult = assertThrows(IllegalStateException.class, blocked::resultNow);
        assertEquals("task 'blocked' was cancelled", noResult.getMessage());
        blocked.awaitTermination();
        assertEquals(List.of("blocked interrupted"), List.copyOf(events));
    }

    @Test
    void anInterruptedAwaitDoesNotCancelTheTaskLikeAsyncioShield() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<String> critical = Tasks.start("save", () -> {
            release.await();
            return "saved";
        });
        AtomicReference<Throwable> waiterGot = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                critical.await();
            } catch (Throwable e) {
                waiterGot.set(e);
            }
        });
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        waiter.interrupt();
        waiter.join();
        assertInstanceOf(InterruptedException.class, waiterGot.get());
        release.countDown();
        assertEquals("saved", critical.await());
    }

    @Test
    void asCompletedYieldsTasksInTheOrderTheyEnd() throws Exception {
        CountDownLatch[] go = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            tasks.add(Tasks.start("t" + i, () -> {
                go[index].await();
                return index;
            }));
        }
        Iterator<Task<Integer>> it = Tasks.asCompleted(tasks).iterator();
        go[2].countDown();
        assertEquals(2, it.next().resultNow());
        go[0].countDown();
        assertEquals(0, it.next().resultNow());
        go[1].countDown();
        assertEquals(1, it.next().resultNow());
        assertTrue(!it.hasNext());
    }

    @Test
    void asCompletedCanBeIteratedOnlyOnce() {
        Iterable<Task<Integer>> completed = Tasks.asCompleted(List.of(Tasks.start(() -> 1)));
        completed.iterator();
        IllegalStateException e = assertThrows(IllegalStateException.class, completed::iterator);
        assertEquals("asCompleted(...) can be iterated only once", e.getMessage());
    }

    @Test
    void anInterruptedAsCompletedCancelsTheRemainingTasks() throws Exception {
        List<Task<Object>> tasks = List.of(Tasks.start("a", blockUntilInterrupted("a")), Tasks.start("b", blockUntilInterrupted("b")));
        AtomicReference<Throwable> got = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (Task<Object> t : Tasks.asCompleted(tasks)) {
                    events.add("yielded " + t.name());
                }
            } catch (CancellationException e) {
                got.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        while (consumer.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        consumer.interrupt();
        consumer.join();
        assertEquals("interrupted while waiting for the next task to complete; the remaining tasks were cancelled",
                got.get().getMessage());
        assertTrue(flag.get());
        assertTrue(tasks.stream().allMatch(t -> t.isCancelled() && t.isTerminated()));
    }

    @Test
    void waitFirstReturnsTheFirstToEndAndCancelsTheOthers() throws Exception {
        Task<Object> slow1 = Tasks.start("slow1", blockUntilInterrupted("slow1"));
        Task<Object> slow2 = Tasks.start("slow2", blockUntilInterrupted("slow2"));
        started.acquire(2);
        Task<Object> fast = Tasks.start("fast", () -> "fast");
        Task<Object> first = Tasks.waitFirst(List.of(slow1, fast, slow2));
        assertSame(fast, first);
        assertEquals("fast", first.resultNow());
        assertTrue(slow1.isCancelled() && slow1.isTerminated() && slow2.isCancelled() && slow2.isTerminated());
        assertEquals(List.of("slow1 interrupted", "slow2 interrupted"), events.stream().sorted().toList());
    }

    @Test
    void waitFirstNeedsATask() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.waitFirst(List.<Task<Object>>of()));
        assertEquals("waitFirst needs at least one task", e.getMessage());
    }

    @Test
    void waitAllWithATimeoutSplitsDoneFromPendingAndCancelsPending() throws Exception {
        Task<Object> quick = Tasks.start("quick", () -> "done");
        Task<Object> failing = Tasks.start("failing", () -> {
            throw new IOException("down");
        });
        quick.awaitTermination();
        failing.awaitTermination();
        Task<Object> stuck = Tasks.start("stuck", blockUntilInterrupted("stuck"));
        started.acquire();
        WaitResult<Object> result = Tasks.waitAll(List.of(quick, stuck, failing), Duration.ofMillis(30));
        assertEquals(List.of(quick, failing), result.done());
        assertEquals(List.of(stuck), result.pending());
        assertEquals(Future.State.CANCELLED, stuck.state());
        assertTrue(stuck.isTerminated());
        assertEquals(List.of("stuck interrupted"), List.copyOf(events));
        // The (name, result, error) triples of the seed's task manager:
        assertEquals(List.of("quick=done", "failing=java.io.IOException: down"), result.done().stream()
                .map(t -> t.name() + "=" + switch (Tasks.outcome(t)) {
                    case Outcome.Success<Object>(var value) -> value;
                    case Outcome.Failure<Object>(var error) -> error;
                })
                .toList());
    }

    @Test
    void waitAllWithoutATimeoutWaitsForEveryTask() throws Exception {
        List<Task<Integer>> tasks = Tasks.startAll(List.<Callable<Integer>>of(() -> 1, () -> 2));
        WaitResult<Integer> result = Tasks.waitAll(tasks);
        assertEquals(List.of(1, 2), result.done().stream().map(Task::resultNow).toList());
        assertTrue(result.pending().isEmpty());
    }

    @Test
    void anInterruptedWaitAllCancelsEveryTask() throws Exception {
        List<Task<Object>> tasks = List.of(Tasks.start("a", blockUntilInterrupted("a")));
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                Tasks.waitAll(tasks, Duration.ofHours(1));
            } catch (Throwable e) {
                got.set(e);
            }
        });
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        waiter.interrupt();
        waiter.join();
        assertInstanceOf(InterruptedException.class, got.get());
        assertTrue(tasks.get(0).isCancelled() && tasks.get(0).isTerminated());
    }
}
