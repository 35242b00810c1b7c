package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class EventTest {

    @Test
    void setWakesEveryWaiterAndClearResetsTheFlag() throws Exception {
        Event ready = new Event();
        assertFalse(ready.isSet());
        ConcurrentLinkedQueue<String> woke = new ConcurrentLinkedQueue<>();
        List<Thread> waiters = List.of(
                Thread.ofVirtual().start(() -> awaitAndRecord(ready, "w1", woke)),
                Thread.ofVirtual().start(() -> awaitAndRecord(ready, "w2", woke)));
        for (Thread w : waiters) {
            while (w.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
        }
        assertTrue(woke.isEmpty());
        ready.set();
        for (Thread w : waiters) {
            w.join();
        }
        assertEquals(List.of("w1", "w2"), woke.stream().sorted().toList());
        assertTrue(ready.isSet());
        ready.await(); // returns at once when set
        ready.clear();
        assertFalse(ready.isSet());
        assertEquals("Event[clear]", ready.toString());
    }

    private static void awaitAndRecord(Event e, String name, ConcurrentLinkedQueue<String> woke) {
        try {
            e.await();
            woke.add(name);
        } catch (InterruptedException ex) {
            woke.add(name + " interrupted");
        }
    }

    @Test
    void aBoundedWaitReportsWhetherTheFlagWasSet() throws Exception {
        Event stop = new Event();
        assertFalse(stop.await(Duration.ofMillis(5)));
        stop.set();
        assertTrue(stop.await(Duration.ofMillis(5)));
    }

    @Test
    void aLoopStopsWhenTheShutdownSignalIsSet() throws Exception {
        Event stop = new Event();
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        Thread bot = Thread.ofVirtual().start(() -> {
            try {
                while (!stop.await(Duration.ofMillis(1))) {
                    Thread.onSpinWait(); // one tick of the bot's work
                }
                log.add("stopped");
            } catch (InterruptedException e) {
                log.add("interrupted");
            } finally {
                log.add("cleanup");
            }
        });
        stop.set();
        bot.join();
        assertEquals(List.of("stopped", "cleanup"), List.copyOf(log));
    }

    @Test
    void waitingIsInterruptible() throws Exception {
        Event never = new Event();
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                never.await();
            } catch (Throwable e) {
                got.set(e);
            }
        });
        waiter.interrupt();
        waiter.join();
        assertInstanceOf(InterruptedException.class, got.get());
    }
}
