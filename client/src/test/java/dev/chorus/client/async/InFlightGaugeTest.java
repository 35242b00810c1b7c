package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class InFlightGaugeTest {

    @Test
    void measuresTheMostOperationsInFlightUnderASemaphore() throws Exception {
        Semaphore limit = new Semaphore(3);
        InFlightGauge gauge = new InFlightGauge();
        // The first three hold their permit until all three are in, so the maximum is exactly 3.
        CountDownLatch firstThreeIn = new CountDownLatch(3);
        List<Callable<Integer>> work = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int index = i;
            work.add(() -> {
                limit.acquire();
                try {
                    return gauge.track(() -> {
                        firstThreeIn.countDown();
                        firstThreeIn.await();
                        return index;
                    });
                } finally {
                    limit.release();
                }
            });
        }
        assertEquals(10, Tasks.gather(work).size());
        assertEquals(3, gauge.max());
        assertEquals(0, gauge.current());
        assertEquals(10, gauge.entered());
        assertEquals("InFlightGauge[current=0, max=3, entered=10]", gauge.toString());
    }

    @Test
    void closingAnEntryTwiceCountsOnce() throws Exception {
        InFlightGauge gauge = new InFlightGauge();
        InFlightGauge.Entry a = gauge.enter();
        InFlightGauge.Entry b = gauge.enter();
        a.close();
        a.close();
        assertEquals(1, gauge.current());
        b.close();
        assertEquals(0, gauge.current());
        assertEquals(2, gauge.max());
        assertEquals("x", gauge.track(() -> gauge.current() == 1 ? "x" : "wrong"));
        assertEquals(0, gauge.current());
    }
}
