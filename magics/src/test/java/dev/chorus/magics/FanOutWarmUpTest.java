package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FanOutWarmUpTest {

    @Test
    void awaitQuietWaitsUntilNoCellRanForTheQuietTime() throws InterruptedException {
        AtomicInteger asked = new AtomicInteger();
        // a cell runs for the first three polls, then the notebook has been idle for 20, then 400 ms
        long[] answers = {0, 0, 0, 20, 400};
        Session.awaitQuiet(() -> answers[Math.min(asked.getAndIncrement(), answers.length - 1)], 300);
        assertEquals(5, asked.get());
    }

    @Test
    void warmUpRunsFanOutsOnAPrivateSandboxAndLeavesNothingBehind() throws InterruptedException {
        Session.SHARED.close();
        FanOutMagic.EXECUTED.set(0);
        AtomicInteger polls = new AtomicInteger();
        FanOutWarmUp.run(() -> {
            polls.incrementAndGet();
            return Long.MAX_VALUE;
        });
        // one quiet check before the sandbox starts and one before each round
        assertEquals(FanOutWarmUp.ROUNDS + 1, polls.get());
        assertEquals(FanOutWarmUp.ROUNDS, FanOutMagic.EXECUTED.get(), "its fan-outs ran");
        assertNull(Session.SHARED.client(), "the notebook's session has no client from the warm-up");
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("chorus-sandbox")),
                "the private sandbox's threads ended");
    }

    @Test
    void withoutAKernelThatSaysWhenItIsIdleOnlyTheFirstPartRuns(@TempDir Path cacheHome) throws InterruptedException {
        FanOutMagic.EXECUTED.set(0);
        Session session = new Session();
        session.env(Map.of("XDG_CACHE_HOME", cacheHome.toString()));
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        session.warmUp("m");
        Thread warm = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().equals("chorus-session-warm-up")).findFirst().orElseThrow();
        warm.join(60_000);
        assertFalse(warm.isAlive());
        session.close();
        assertEquals(0, FanOutMagic.EXECUTED.get(), "no fan-out of its own outside a notebook");
    }

    @Test
    void warmUpDoesNothingOnceAUsersFanOutRan() throws InterruptedException {
        FanOutMagic.EXECUTED.set(1);
        AtomicInteger polls = new AtomicInteger();
        FanOutWarmUp.run(() -> {
            polls.incrementAndGet();
            return Long.MAX_VALUE;
        });
        assertEquals(1, polls.get());
        assertEquals(1, FanOutMagic.EXECUTED.get(), "no fan-out of its own");
    }

    @Test
    void warmUpWaitsForAQuietMomentBeforeEachRound() throws InterruptedException {
        FanOutMagic.EXECUTED.set(0);
        AtomicInteger polls = new AtomicInteger();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                // busy for the first 10 polls (half a second), then idle
                FanOutWarmUp.run(() -> polls.incrementAndGet() <= 10 ? 0 : Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(250);
        assertTrue(polls.get() <= 10, "no round before the notebook is quiet: " + polls.get() + " polls");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("chorus-sandbox")),
                "no sandbox started while a cell runs");
        runner.join(60_000);
        assertFalse(runner.isAlive());
        assertEquals(10 + FanOutWarmUp.ROUNDS + 1, polls.get());
    }
}
