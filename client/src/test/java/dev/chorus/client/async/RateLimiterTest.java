package dev.chorus.client.async;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

    /** A clock that only moves when the limiter sleeps, recording every sleep. */
    static final class FakeTime implements RateLimiter.Ticker, RateLimiter.Sleeper {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void sleep(long nanos) {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        }
    }

    private static final long MS = 1_000_000L;

    @Test
    void spacesCallsEvenlyWithBurstOne() throws InterruptedException {
        FakeTime t = new FakeTime();
        RateLimiter limiter = RateLimiter.of(10, 1, t, t);
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        // First is free, then one every 100 ms.
        assertEquals(List.of(100 * MS, 100 * MS, 100 * MS, 100 * MS), t.sleeps);
    }

    @Test
    void burstPassesAtOnceThenSpaces() throws InterruptedException {
        FakeTime t = new FakeTime();
        RateLimiter limiter = RateLimiter.of(4, 3, t, t);
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        assertEquals(List.of(250 * MS, 250 * MS), t.sleeps);
    }

    @Test
    void idleTimeRefillsAtMostTheBurst() throws InterruptedException {
        FakeTime t = new FakeTime();
        RateLimiter limiter = RateLimiter.of(10, 2, t, t);
        limiter.acquire();
        limiter.acquire();
        t.now.addAndGet(10_000 * MS); // a long pause earns only `burst` permits
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        assertEquals(List.of(), t.sleeps);
        assertEquals(Duration.ofMillis(100), limiter.acquire());
    }

    @Test
    void waitersQueueInOrderOfReservation() {
        // Without sleeping (a sleeper that does not advance time), reservations still queue up.
        AtomicLong now = new AtomicLong(0);
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = RateLimiter.of(100, 1, now::get, sleeps::add);
        for (int i = 0; i < 4; i++) {
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of(10 * MS, 20 * MS, 30 * MS), sleeps);
    }

    @Test
    void interruptedWaiterGivesItsSlotBack() throws InterruptedException {
        FakeTime t = new FakeTime();
        boolean[] interruptNext = {false};
        RateLimiter limiter = RateLimiter.of(10, 1, t, nanos -> {
            if (interruptNext[0]) {
                interruptNext[0] = false;
                throw new InterruptedException("test");
            }
            t.sleep(nanos);
        });
        limiter.acquire();
        interruptNext[0] = true;
        assertThrows(InterruptedException.class, limiter::acquire);
        // The abandoned slot is free again: the next caller waits one interval, not two.
        assertEquals(Duration.ofMillis(100), limiter.acquire());
    }

    @Test
    void realSleeperIsInterruptible() throws InterruptedException {
        RateLimiter limiter = RateLimiter.perSecond(0.001); // one permit per 1000 s
        limiter.acquire();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, limiter::acquire);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void rejectsBadSettingsWithClearMessages() {
        assertEquals("permitsPerSecond must be a positive number, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> RateLimiter.perSecond(0)).getMessage());
        assertEquals("burst must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> RateLimiter.of(5, 0)).getMessage());
        assertEquals("RateLimiter[5.0/s, burst 2]", RateLimiter.of(5, 2).toString());
    }
}
