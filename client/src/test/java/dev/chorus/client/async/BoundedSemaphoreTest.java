package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class BoundedSemaphoreTest {

    @Test
    void anExtraReleaseIsAnErrorAndDoesNotRaiseTheLimit() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        sem.acquire();
        sem.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
        assertEquals("BoundedSemaphore released too many times (limit 2)", e.getMessage());
        assertEquals(2, sem.availablePermits());
        assertEquals("BoundedSemaphore[available=2/2]", sem.toString());
    }

    @Test
    void aPermitIsReleasedOnceWhenClosed() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        BoundedSemaphore.Permit permit = sem.enter();
        assertEquals(0, sem.availablePermits());
        assertFalse(sem.tryAcquire(Duration.ofMillis(1)));
        permit.close();
        permit.close();
        assertEquals(1, sem.availablePermits());
        assertTrue(sem.tryAcquire(Duration.ZERO));
        sem.release();
    }

    @Test
    void itLimitsWorkInFlight() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(3);
        InFlightGauge gauge = new InFlightGauge();
        List<Callable<Integer>> work = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int index = i;
            work.add(() -> {
                sem.acquire();
                try {
                    return gauge.track(() -> {
                        Thread.sleep(1);
                        return index;
                    });
                } finally {
                    sem.release();
                }
            });
        }
        assertEquals(20, Tasks.gather(work).size());
        assertTrue(gauge.max() <= 3, "max in flight " + gauge.max());
        assertEquals(3, sem.availablePermits());
    }

    @Test
    void waitingIsInterruptibleAndALimitMustBePositive() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                sem.acquire();
            } catch (Throwable e) {
                got.set(e);
            }
        });
        waiter.interrupt();
        waiter.join();
        assertInstanceOf(InterruptedException.class, got.get());
        assertEquals(0, sem.availablePermits());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(0));
        assertEquals("limit must be at least 1, was 0", e.getMessage());
    }
}
