package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class TimeoutTest {

    /** An alarm that records what was scheduled and fires only when the test says so. */
    static final class ManualAlarm implements Timeout.Alarm {
        record Scheduled(Runnable action, long delayNanos, CompletableFuture<Void> handle) {
        }

        final List<Scheduled> scheduled = new ArrayList<>();

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            CompletableFuture<Void> handle = new CompletableFuture<>();
            scheduled.add(new Scheduled(action, delayNanos, handle));
            return handle;
        }

        /** Runs the n-th scheduled action as the timer thread would, even if it was cancelled (a race). */
        void fire(int n) {
            scheduled.get(n).action().run();
        }

        boolean cancelled(int n) {
            return scheduled.get(n).handle().isCancelled();
        }
    }

    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void withinReturnsTheValueWhenTheWorkEndsInTime() {
        assertEquals(42, Timeout.within(Duration.ofHours(1), () -> 42));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void withinThrowsWhenTheDeadlinePassesAndClearsItsInterrupt() {
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                () -> Timeout.within(Duration.ofMillis(20), () -> {
                    never.await();
                    return "never";
                }));
        assertEquals("operation exceeded the timeout of 20 ms", e.getMessage());
        assertInstanceOf(InterruptedException.class, e.getCause());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anInterruptFromElsewhereIsNotATimeout() {
        assertThrows(InterruptedException.class, () -> Timeout.within(Duration.ofHours(1), () -> {
            Thread.currentThread().interrupt();
            never.await();
            return "never";
        }));
    }

    @Test
    void aBlockThatFailsBeforeTheDeadlineKeepsItsOwnException() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Timeout.within(Duration.ofHours(1), () -> {
                    throw new IllegalStateException("not a timeout");
                }));
        assertEquals("not a timeout", e.getMessage());
    }

    @Test
    void tryWithResourcesConvertsAnUnconsumedInterruptAtTheEnd() {
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class, () -> {
            try (Timeout t = Timeout.after(Duration.ofMillis(20))) {
                // Busy work that never blocks: it sees the interrupt only as a flag.
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();
                }
                assertTrue(t.expired());
            }
        });
        assertEquals("operation exceeded the timeout of 20 ms", e.getMessage());
        assertNull(e.getCause());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void tryWithResourcesLeavesTheBlocksExceptionPrimaryWithTheTimeoutSuppressed() {
        InterruptedException e = assertThrows(InterruptedException.class, () -> {
            try (Timeout t = Timeout.after(Duration.ofMillis(20))) {
                assertTrue(t.deadline().isPresent());
                never.await();
            }
        });
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(TimeoutExceededException.class, e.getSuppressed()[0]);
    }

    @Test
    void atUsesAnAbsoluteDeadline() {
        Instant deadline = Instant.now().plusMillis(20);
        Timeout t = Timeout.at(deadline);
        assertEquals(deadline, t.deadline().orElseThrow());
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class, () -> t.call(() -> {
            never.await();
            return "never";
        }));
        assertEquals("operation exceeded its deadline " + deadline, e.getMessage());
        assertTrue(t.expired());
    }

    @Test
    void anUnboundedTimeoutCanBeGivenADeadlineLater() {
        Timeout t = Timeout.unbounded();
        assertTrue(t.deadline().isEmpty());
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class, () -> t.call(() -> {
            t.reschedule(Duration.ofMillis(20));
            never.await();
            return "never";
        }));
        assertEquals("operation exceeded the timeout of 20 ms", e.getMessage());
    }

    @Test
    void anotherThreadCanBringTheDeadlineForward() {
        CountDownLatch blocking = new CountDownLatch(1);
        Timeout t = Timeout.after(Duration.ofHours(1));
        Thread helper = Thread.ofVirtual().start(() -> {
            try {
                blocking.await();
                t.reschedule(Duration.ZERO);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutExceededException.class, () -> t.call(() -> {
            blocking.countDown();
            never.await();
            return "never";
        }));
        assertTrue(t.expired());
        helper.interrupt();
    }

    @Test
    void aRemovedDeadlineNeverFires() {
        ManualAlarm alarm = new ManualAlarm();
        Timeout t = new Timeout(alarm);
        t.reschedule(Duration.ofSeconds(10));
        Instant first = t.deadline().orElseThrow();
        t.reschedule(Duration.ofSeconds(20));
        assertTrue(t.deadline().orElseThrow().isAfter(first));
        assertEquals(2, alarm.scheduled.size());
        assertTrue(alarm.cancelled(0), "rescheduling cancels the old alarm");
        assertEquals(Duration.ofSeconds(20).toNanos(), alarm.scheduled.get(1).delayNanos());

        t.removeDeadline();
        assertTrue(t.deadline().isEmpty());
        assertTrue(alarm.cancelled(1), "removing the deadline cancels the alarm");
        t.close();
        assertFalse(t.expired());
    }

    @Test
    void aStaleAlarmDoesNotInterrupt() {
        ManualAlarm alarm = new ManualAlarm();
        Timeout t = new Timeout(alarm);
        t.reschedule(Duration.ofSeconds(10));
        t.reschedule(Duration.ofSeconds(20));
        assertTrue(alarm.cancelled(0));
        alarm.fire(0);
        assertFalse(t.expired());
        assertFalse(Thread.currentThread().isInterrupted());
        t.close();
    }

    @Test
    void theCurrentAlarmInterruptsTheOwnerAndCloseConvertsIt() {
        ManualAlarm alarm = new ManualAlarm();
        Timeout t = new Timeout(alarm);
        t.reschedule(Duration.ofSeconds(5));
        alarm.fire(0);
        assertTrue(t.expired());
        assertTrue(Thread.currentThread().isInterrupted());

        IllegalStateException late = assertThrows(IllegalStateException.class, () -> t.reschedule(Duration.ofSeconds(1)));
        assertEquals("the timeout has already expired and cannot be rescheduled", late.getMessage());

        TimeoutExceededException e = assertThrows(TimeoutExceededException.class, t::close);
        assertEquals("operation exceeded the timeout of 5 s", e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "close() consumes the interrupt it caused");
        assertTrue(t.expired());
        t.close(); // closing twice is harmless
    }

    @Test
    void anAlarmAfterCloseDoesNothing() {
        ManualAlarm alarm = new ManualAlarm();
        Timeout t = new Timeout(alarm);
        t.reschedule(Duration.ofSeconds(5));
        t.close();
        alarm.fire(0);
        assertFalse(Thread.currentThread().isInterrupted());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> t.reschedule(Duration.ofSeconds(1)));
        assertEquals("the timeout is closed and cannot be rescheduled", closed.getMessage());
    }

    @Test
    void onlyTheOwnerMayCloseIt() throws Exception {
        Timeout t = Timeout.after(Duration.ofHours(1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = Thread.ofVirtual().start(() -> {
            try {
                t.close();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        other.join();
        assertEquals("a timeout must be used by the thread that created it (" + Thread.currentThread().getName() + ")",
                thrown.get().getMessage());
        t.close();
    }

    @Test
    void anInnerTimeoutThatFiresIsCaughtInsideTheOuterOne() throws Exception {
        String result = Timeout.within(Duration.ofHours(1), () -> {
            try {
                return Timeout.within(Duration.ofMillis(20), () -> {
                    never.await();
                    return "never";
                });
            } catch (TimeoutExceededException e) {
                return "inner timed out";
            }
        });
        assertEquals("inner timed out", result);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anOuterTimeoutThatFiresIsReportedByTheOuterOne() {
        TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                () -> Timeout.within(Duration.ofMillis(20), () -> Timeout.within(Duration.ofHours(1), () -> {
                    never.await();
                    return "never";
                })));
        assertEquals("operation exceeded the timeout of 20 ms", e.getMessage());
        assertInstanceOf(InterruptedException.class, e.getCause());
    }

    @Test
    void durationsAreDescribedForPeople() {
        assertEquals("250 ms", TimeoutExceededException.describe(Duration.ofMillis(250)));
        assertEquals("2 s", TimeoutExceededException.describe(Duration.ofSeconds(2)));
        assertEquals("1.5 s", TimeoutExceededException.describe(Duration.ofMillis(1500)));
        assertEquals("3 min", TimeoutExceededException.describe(Duration.ofMinutes(3)));
        assertEquals("0 ms", TimeoutExceededException.describe(Duration.ofMillis(-5)));
    }
}
