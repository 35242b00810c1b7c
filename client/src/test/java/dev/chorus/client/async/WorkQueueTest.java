package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(20)
class WorkQueueTest {

    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        while (t.getState() != state) {
            Thread.sleep(1);
        }
    }

    @Test
    void threeWorkersProcessEveryItemAndStopWhenTheQueueIsClosed() throws Exception {
        WorkQueue<Integer> queue = new WorkQueue<>(4);
        ConcurrentLinkedQueue<Integer> results = new ConcurrentLinkedQueue<>();
        try (var workers = new TaskGroup("workers")) {
            for (int w = 1; w <= 3; w++) {
                String name = "worker-" + w;
                workers.fork(name, () -> {
                    for (Optional<Integer> item; (item = queue.take()).isPresent(); ) {
                        try {
                            results.add(item.get() * item.get());
                        } finally {
                            queue.taskDone();
                        }
                    }
                    events.add(name + " stopped");
                    return null;
                });
            }
            for (int i = 1; i <= 10; i++) {
                queue.put(i);
            }
            queue.join();
            assertEquals(10, results.size());
            assertEquals(0, queue.unfinished());
            queue.close();
        }
        assertEquals(385, results.stream().mapToInt(Integer::intValue).sum());
        assertEquals(List.of("worker-1 stopped", "worker-2 stopped", "worker-3 stopped"), events.stream().sorted().toList());
        assertTrue(queue.isDrained());
    }

    @Test
    void consumeHandlesItemsUntilTheQueueIsClosedAndMarksEachDone() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(10);
        for (String s : List.of("a", "b", "bad", "c")) {
            queue.put(s);
        }
        queue.close();
        List<String> handled = new ArrayList<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> queue.consume(item -> {
            if (item.equals("bad")) {
                throw new IllegalArgumentException("bad item");
            }
            handled.add(item);
        }));
        assertEquals("bad item", e.getMessage());
        assertEquals(List.of("a", "b"), handled);
        assertEquals(1, queue.unfinished(), "the failed item counts as done; only c is left");
        queue.consume(handled::add);
        assertEquals(List.of("a", "b", "c"), handled);
        assertEquals(0, queue.unfinished());
        queue.join();
    }

    @Test
    void putWaitsForRoomWhenTheQueueIsFull() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(1);
        queue.put("a");
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                queue.put("b");
                events.add("b put");
            } catch (InterruptedException e) {
                events.add("interrupted");
            }
        });
        awaitState(producer, Thread.State.WAITING);
        assertTrue(events.isEmpty());
        assertEquals(1, queue.size());
        assertEquals(Optional.of("a"), queue.take());
        producer.join();
        assertEquals(List.of("b put"), List.copyOf(events));
        assertEquals(Optional.of("b"), queue.take());
    }

    @Test
    void closingRejectsPutsAndFailsBlockedProducers() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(1);
        queue.put("a");
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                queue.put("b");
            } catch (Throwable e) {
                blocked.set(e);
            }
        });
        awaitState(producer, Thread.State.WAITING);
        queue.close();
        producer.join();
        assertInstanceOf(IllegalStateException.class, blocked.get());
        assertEquals("the work queue is closed; put rejected", blocked.get().getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> queue.put("c"));
        assertEquals("the work queue is closed; put rejected", e.getMessage());
        // What was queued before the close is still handed out, then the end.
        assertEquals(Optional.of("a"), queue.take());
        assertEquals(Optional.empty(), queue.take());
        queue.close(); // twice is harmless
    }

    @Test
    void closingWakesEveryWaitingConsumer() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(2);
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            consumers.add(Thread.ofVirtual().start(() -> {
                try {
                    events.add("got " + queue.take());
                } catch (InterruptedException e) {
                    events.add("interrupted");
                }
            }));
        }
        for (Thread c : consumers) {
            awaitState(c, Thread.State.WAITING);
        }
        queue.close();
        for (Thread c : consumers) {
            c.join();
        }
        assertEquals(List.of("got Optional.empty", "got Optional.empty", "got Optional.empty"), List.copyOf(events));
    }

    @Test
    void pollGivesUpAfterItsTimeoutAndTellsThatApartFromTheEnd() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(2);
        assertEquals(Optional.empty(), queue.poll(Duration.ofMillis(5)));
        assertFalse(queue.isDrained());
        queue.put("x");
        assertEquals(Optional.of("x"), queue.poll(Duration.ofMillis(5)));
        queue.close();
        assertEquals(Optional.empty(), queue.poll(Duration.ofHours(1)));
        assertTrue(queue.isDrained());
        assertTrue(queue.isClosed());
    }

    @Test
    void taskDoneMoreTimesThanItemsIsAnError() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(2);
        queue.put("x");
        queue.take();
        queue.taskDone();
        IllegalStateException e = assertThrows(IllegalStateException.class, queue::taskDone);
        assertEquals("taskDone() called more times than items were put", e.getMessage());
    }

    @Test
    void joinWaitsUntilEveryItemIsMarkedDone() throws Exception {
        WorkQueue<String> queue = new WorkQueue<>(2);
        queue.put("x");
        Thread joiner = Thread.ofVirtual().start(() -> {
            try {
                queue.join();
                events.add("joined");
            } catch (InterruptedException e) {
                events.add("interrupted");
            }
        });
        awaitState(joiner, Thread.State.WAITING);
        queue.take();
        assertTrue(events.isEmpty(), "taken is not yet done");
        queue.taskDone();
        joiner.join();
        assertEquals(List.of("joined"), List.copyOf(events));
    }

    @Test
    void capacityMustBePositiveAndItemsNonNull() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkQueue<String>(0));
        assertEquals("capacity must be at least 1, was 0", e.getMessage());
        WorkQueue<String> queue = new WorkQueue<>(1);
        assertEquals(1, queue.capacity());
        assertThrows(NullPointerException.class, () -> queue.put(null));
        assertEquals("WorkQueue[size=0/1, unfinished=0]", queue.toString());
    }
}
