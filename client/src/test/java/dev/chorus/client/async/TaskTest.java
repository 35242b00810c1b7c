package dev.chorus.client.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void awaitTerminationWaitsForTheCleanupOfACancelledTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cleanupMayFinish = new CountDownLatch(1);
        AtomicBoolean cleanedUp = new AtomicBoolean();
        Task<String> task = Tasks.start("slow", () -> {
            try {
                started.countDown();
                Thread.sleep(60_000);
                return "never";
            } finally {
                cleanupMayFinish.await(10, TimeUnit.SECONDS);
                cleanedUp.set(true);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        task.cancel(true);
        assertEquals(Future.State.CANCELLED, task.state());
        // Cleanup is still blocked here; release it a little later from another thread, so a
        // return before the cleanup has ended would see cleanedUp == false.
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cleanupMayFinish.countDown();
        });
        task.awaitTermination();
        assertTrue(cleanedUp.get(), "cleanup ran before awaitTermination returned");
        assertTrue(task.isTerminated());
    }
}
