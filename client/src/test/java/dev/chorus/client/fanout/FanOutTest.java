package dev.chorus.client.fanout;

import dev.chorus.client.RateLimitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FanOutTest {

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Counts items running at once and remembers the highest count. */
    static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void enter() {
            int v = now.incrementAndGet();
            max.accumulateAndGet(v, Math::max);
        }

        void exit() {
            now.decrementAndGet();
        }
    }

    @Test
    void knownValuesEndAtOnceWithoutRunningAndGoToTheCheckpoint(@TempDir Path dir) {
        AtomicInteger calls = new AtomicInteger();
        List<ItemResult<String, String>> pushed = new CopyOnWriteArrayList<>();
        Path file = dir.resolve("c.jsonl");
        List<String> inputs = IntStream.range(0, 10).mapToObj(i -> "in" + i).toList();
        FanOut<String, String> f = FanOut.<String, String>builder().concurrency(4).requestsPerSecond(1000)
                .checkpoint(file, CheckpointCodec.strings())
                .known(in -> (in.charAt(2) - '0') % 2 == 0 ? new Known<>(in.toUpperCase(), Duration.ofMillis(70), 5, 7) : null)
                .onItem(pushed::add).build();
        FanOutResult<String, String> r = f.run(inputs, (in, ctx) -> {
            calls.incrementAndGet();
            return in.toUpperCase();
        });
        assertEquals(5, calls.get(), "only the unknown items ran");
        assertEquals(10, r.ok().size());
        ItemResult<String, String> known = r.items().get(4);
        assertTrue(known.cached());
        assertEquals("IN4", known.value());
        assertEquals(0, known.attempts());
        assertEquals(Duration.ofMillis(70), known.latency());
        assertEquals(7, known.completionTokens());
        assertNull(known.start(), "no bar on a timeline");
        assertFalse(r.items().get(5).cached());
        assertEquals(5, r.summary().cached());
        assertEquals(5, r.summary().attempts());
        assertEquals(0, r.summary().promptTokens(), "nothing spent on the known ones");
        assertEquals(10, pushed.size());
        // Resumed from the checkpoint alone: every item, known ones included, with nothing known now.
        AtomicInteger again = new AtomicInteger();
        FanOutResult<String, String> resumed = FanOut.<String, String>builder()
                .checkpoint(file, CheckpointCodec.strings()).build()
                .run(inputs, (in, ctx) -> "x" + again.incrementAndGet());
        assertEquals(0, again.get());
        assertEquals(10, resumed.summary().resumed());
    }

    @Test
    void stopStartingLetsRunningItemsFinishAndCancelsTheRestWithTheReason() throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        FanOutHandle<Integer, Integer> h = FanOut.<Integer, Integer>builder().concurrency(2).build()
                .start(range(20), (in, ctx) -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                    }
                    return in;
                });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        h.stopStarting("budget spent");
        release.countDown();
        FanOutResult<Integer, Integer> r = h.await();
        assertEquals(0, interrupted.get(), "running items were not interrupted");
        assertEquals(2, r.ok().size());
        assertEquals(18, r.summary().cancelled());
        assertTrue(r.cancelled());
        assertEquals("budget spent; not started", r.items().get(19).error().message());
    }

    @Test
    void neverRunsMoreThanTheConcurrencyLimit() {
        Gauge gauge = new Gauge();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(8).build();
        FanOutResult<Integer, Integer> r = f.run(range(300), (in, ctx) -> {
            gauge.enter();
            try {
                Thread.sleep(1);
                return in;
            } finally {
                gauge.exit();
            }
        });
        assertEquals(300, r.ok().size());
        assertTrue(gauge.max.get() <= 8, "max in flight " + gauge.max.get());
        assertTrue(gauge.max.get() > 1, "ran in parallel");
        assertEquals(8, r.concurrency());
    }

    @Test
    void resultsComeBackInInputOrder() {
        FanOut<Integer, String> f = FanOut.<Integer, String>builder().concurrency(32).build();
        List<Integer> inputs = range(500);
        FanOutResult<Integer, String> r = f.run(inputs, (in, ctx) -> {
            // Later inputs finish first, so completion order is scrambled.
            Thread.sleep((500 - in) % 7);
            return "v" + in;
        });
        for (int i = 0; i < inputs.size(); i++) {
            ItemResult<Integer, String> item = r.items().get(i);
            assertEquals(i, item.index());
            assertEquals(inputs.get(i), item.input());
            assertEquals("v" + i, item.value());
            assertEquals(1, item.attempts());
            assertNotNull(item.start());
            assertTrue(item.end().compareTo(item.start()) >= 0);
        }
        assertEquals(inputs.stream().map(i -> "v" + i).toList(), r.values());
    }

    @Test
    void retriesTransientFailuresToSuccess() {
        ConcurrentHashMap<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(4).retries(2)
                .backoff(Duration.ZERO, Duration.ZERO).build();
        FanOutResult<Integer, Integer> r = f.run(range(20), (in, ctx) -> {
            int n = calls.computeIfAbsent(in, k -> new AtomicInteger()).incrementAndGet();
            assertEquals(n, ctx.attempt());
            if (n < 3) {
                throw new IOException("connection reset (attempt " + n + ")");
            }
            return in;
        });
        assertEquals(20, r.ok().size());
        r.items().forEach(item -> assertEquals(3, item.attempts()));
        assertEquals(60, r.summary().attempts());
    }

    @Test
    void givesUpAfterTheRetriesAndDoesNotRetryPermanentFailures() {
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().retries(2)
                .backoff(Duration.ZERO, Duration.ZERO).build();
        FanOutResult<Integer, Integer> r = f.run(List.of(0, 1), (in, ctx) -> {
            if (in == 0) {
                throw new IOException("upstream down\nsecond line");
            }
            throw new IllegalArgumentException("bad prompt");
        });
        ItemResult<Integer, Integer> transient0 = r.items().get(0);
        assertEquals(ItemStatus.FAILED, transient0.status());
        assertEquals(3, transient0.attempts());
        assertEquals("upstream down", transient0.error().message());
        assertEquals("IOException", transient0.error().causeClass());
        ItemResult<Integer, Integer> permanent = r.items().get(1);
        assertEquals(ItemStatus.FAILED, permanent.status());
        assertEquals(1, permanent.attempts());
        assertEquals("IllegalArgumentException: bad prompt", permanent.error().toString());
        assertNull(permanent.value());
        assertEquals(2, r.failed().size());
        assertEquals(java.util.Map.of("IOException", 1, "IllegalArgumentException", 1), r.summary().failuresByCause());
    }

    @Test
    void backoffGrowsAndHonoursRetryAfter() {
        List<Long> waits = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().retries(3)
                .backoff(Duration.ofMillis(100), Duration.ofMillis(300)).sleeper(waits::add).build();
        FanOutResult<Integer, Integer> r = f.run(List.of(1), (in, ctx) -> {
            switch (calls.incrementAndGet()) {
                case 1, 2 -> throw new IOException("flaky");
                case 3 -> throw new RateLimitException("POST /v1/chat/completions failed: 429", null, "slow down",
                        Duration.ofSeconds(7));
                default -> {
                    return in;
                }
            }
        });
        assertEquals(ItemStatus.OK, r.items().get(0).status());
        assertEquals(4, r.items().get(0).attempts());
        assertEquals(3, waits.size());
        long ms = 1_000_000L;
        assertTrue(waits.get(0) >= 50 * ms && waits.get(0) <= 100 * ms, "first wait " + waits.get(0));
        assertTrue(waits.get(1) >= 100 * ms && waits.get(1) <= 200 * ms, "second wait " + waits.get(1));
        assertEquals(7_000 * ms, waits.get(2), "Retry-After wins over the 300 ms cap");
    }

    @Test
    void anAttemptPastTheItemTimeoutIsTimedOut() {
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(4)
                .itemTimeout(Duration.ofMillis(200)).build();
        FanOutResult<Integer, Integer> r = f.run(range(4), (in, ctx) -> {
            if (in % 2 == 1) {
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            }
            return in;
        });
        assertEquals(ItemStatus.OK, r.items().get(0).status());
        assertEquals(ItemStatus.TIMED_OUT, r.items().get(1).status());
        assertEquals("attempt 1 timed out after 200 ms", r.items().get(1).error().message());
        assertEquals("TimeoutException", r.items().get(1).error().causeClass());
        assertEquals(ItemStatus.TIMED_OUT, r.items().get(3).status());
        assertEquals(2, r.summary().timedOut());
    }

    @Test
    void aTimedOutAttemptIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().retries(1)
                .backoff(Duration.ZERO, Duration.ZERO).itemTimeout(Duration.ofMillis(100)).build();
        FanOutResult<Integer, Integer> r = f.run(List.of(5), (in, ctx) -> {
            if (calls.incrementAndGet() == 1) {
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            }
            return in;
        });
        assertEquals(ItemStatus.OK, r.items().get(0).status());
        assertEquals(2, r.items().get(0).attempts());
    }

    @Test
    void theDeadlineStopsRunningItemsAndCancelsTheRest() {
        CountDownLatch firstDone = new CountDownLatch(2);
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(4)
                .deadline(Duration.ofMillis(300)).build();
        FanOutResult<Integer, Integer> r = f.run(range(50), (in, ctx) -> {
            if (in < 2) {
                firstDone.countDown();
                return in;
            }
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            return in;
        });
        assertTrue(r.deadlineReached());
        assertFalse(r.cancelled());
        assertEquals(ItemStatus.OK, r.items().get(0).status());
        assertEquals(ItemStatus.OK, r.items().get(1).status());
        long timedOut = r.items().stream().filter(i -> i.status() == ItemStatus.TIMED_OUT).count();
        long cancelled = r.items().stream().filter(i -> i.status() == ItemStatus.CANCELLED).count();
        assertEquals(4, timedOut, "the items holding the 4 slots");
        assertEquals(44, cancelled);
        ItemResult<Integer, Integer> last = r.items().get(49);
        assertEquals("deadline of PT0.3S reached; not started", last.error().message());
        assertEquals(0, last.attempts());
        assertNull(last.start());
        r.items().stream().filter(i -> i.status() == ItemStatus.TIMED_OUT)
                .forEach(i -> assertEquals("deadline of PT0.3S reached", i.error().message()));
    }

    @Test
    void interruptingTheCallerCancelsEverythingAndKeepsWhatFinished() throws Exception {
        Set<Thread> itemThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch fiveDone = new CountDownLatch(5);
        CountDownLatch slotsBusy = new CountDownLatch(8);
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(8).build();
        AtomicReference<FanOutResult<Integer, Integer>> result = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().name("test-caller").start(() -> {
            result.set(f.run(range(1000), (in, ctx) -> {
                itemThreads.add(Thread.currentThread());
                if (in < 5) {
                    fiveDone.countDown();
                    return in;
                }
                slotsBusy.countDown();
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                return in;
            }));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(fiveDone.await(10, TimeUnit.SECONDS));
        assertTrue(slotsBusy.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(caller.isAlive(), "run() returned after the interrupt");
        FanOutResult<Integer, Integer> r = result.get();
        assertTrue(r.cancelled());
        assertEquals(1000, r.items().size());
        for (int i = 0; i < 5; i++) {
            assertEquals(ItemStatus.OK, r.items().get(i).status());
        }
        assertEquals(5, r.ok().size());
        assertEquals(995, r.items().stream().filter(i -> i.status() == ItemStatus.CANCELLED).count());
        assertTrue(flagAfter.get(), "the interrupt flag is set again for the caller");
        for (Thread t : itemThreads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(t.isAlive(), "item thread " + t + " ended");
        }
        assertTrue(itemThreads.size() <= 13, "no item started after the interrupt: " + itemThreads.size());
        assertNoEngineThreadLeft();
    }

    private static void assertNoEngineThreadLeft() throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("chorus-fanout")) {
                t.join(TimeUnit.SECONDS.toMillis(10));
                assertFalse(t.isAlive(), "engine thread " + t.getName() + " ended");
            }
        }
    }

    @Test
    void aBackgroundHandleReportsProgressAndCanBeCancelled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch threeDone = new CountDownLatch(3);
        List<Integer> ended = new CopyOnWriteArrayList<>();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(4)
                .onItem(r -> ended.add(r.input())).build();
        FanOutHandle<Integer, Integer> h = f.start(range(100), (in, ctx) -> {
            if (in < 3) {
                threeDone.countDown();
                return in;
            }
            release.await();
            return in;
        });
        assertTrue(threeDone.await(10, TimeUnit.SECONDS));
        // The three quick items may still be finishing: wait for the bookkeeping, boundedly.
        for (int i = 0; i < 1000 && (h.progress().done() < 3 || h.progress().inFlight() < 4); i++) {
            Thread.sleep(10);
        }
        assertEquals(Set.of(0, 1, 2), Set.copyOf(ended));
        Progress p = h.progress();
        assertEquals(100, p.total());
        assertEquals(3, p.done());
        assertEquals(4, p.inFlight());
        assertEquals(7, p.requests(), "three ended, four running");
        assertFalse(h.isDone());
        assertNull(h.await(Duration.ofMillis(50)));
        h.cancel();
        FanOutResult<Integer, Integer> r = h.await();
        assertTrue(h.isDone());
        assertEquals(3, r.ok().size());
        assertEquals(97, r.failed().size());
        assertEquals(97, r.summary().cancelled());
        assertEquals(java.util.Map.of(), r.summary().failuresByCause(), "cancelled rows are not failures");
        Progress end = h.progress();
        assertTrue(end.finished());
        assertEquals(97, end.cancelled());
        assertEquals(0, end.failed());
        assertEquals(7, end.requests(), "items that never started sent nothing");
        assertEquals(100, ended.size(), "every item, cancelled ones too, reached the item listener once");
        assertEquals(Set.copyOf(range(100)), Set.copyOf(ended));
        h.close();
        release.countDown();
    }

    @Test
    void theListenerGetsSerialSnapshotsAndOneFinalOne() {
        List<Progress> seen = new CopyOnWriteArrayList<>();
        Gauge overlap = new Gauge();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(16)
                .progressInterval(Duration.ofMillis(5)).listener(p -> {
                    overlap.enter();
                    seen.add(p);
                    overlap.exit();
                    throw new IllegalStateException("a broken listener does not stop the fan-out");
                }).build();
        FanOutResult<Integer, Integer> r = f.run(range(200), (in, ctx) -> {
            Thread.sleep(1);
            return in;
        });
        assertEquals(200, r.ok().size());
        assertEquals(1, overlap.max.get());
        Progress last = seen.get(seen.size() - 1);
        assertTrue(last.finished());
        assertEquals(new Progress(200, 200, 200, 0, 0, 0, 0, 200, last.rate(), last.elapsed(), true), last);
        assertEquals(1, seen.stream().filter(Progress::finished).count());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).done() >= seen.get(i - 1).done());
        }
    }

    @Test
    void everyItemReachesTheItemListenerOnceBeforeTheRunEnds() {
        int n = 5_000;
        AtomicInteger[] calls = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            calls[i] = new AtomicInteger();
        }
        List<Progress> finals = new CopyOnWriteArrayList<>();
        AtomicInteger seenAtFinal = new AtomicInteger(-1);
        AtomicInteger total = new AtomicInteger();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(64).retries(1)
                .backoff(Duration.ZERO, Duration.ZERO)
                .onItem(r -> {
                    calls[r.index()].incrementAndGet();
                    assertEquals(r.index(), (int) r.input());
                    total.incrementAndGet();
                })
                .listener(p -> {
                    if (p.finished()) {
                        finals.add(p);
                        seenAtFinal.set(total.get());
                    }
                }).build();
        FanOutResult<Integer, Integer> r = f.run(range(n), (in, ctx) -> {
            if (in % 10 == 0 && ctx.attempt() == 1) {
                throw new java.io.IOException("transient " + in);
            }
            if (in % 97 == 0) {
                throw new IllegalArgumentException("permanent " + in);
            }
            return in * 2;
        });
        assertEquals(n, total.get(), "once per item after the run returned");
        for (int i = 0; i < n; i++) {
            assertEquals(1, calls[i].get(), "item " + i);
        }
        assertEquals(n, seenAtFinal.get(), "every item was pushed before the final snapshot");
        assertEquals(1, finals.size());
        long permanent = IntStream.range(0, n).filter(i -> i % 97 == 0).count();
        assertEquals(n - permanent, r.ok().size());
        assertEquals(permanent, finals.get(0).failed());
        // Attempts: one each, plus one retry for every tenth item (the 97-multiples among them fail again at once).
        long retried = IntStream.range(0, n).filter(i -> i % 10 == 0).count();
        assertEquals(n + retried, finals.get(0).requests());
        assertEquals(n + retried, r.summary().attempts());
    }

    @Test
    void theItemListenerRunsOnTheItemsThreadBeforeItsSlotIsFreed() {
        Gauge running = new Gauge();
        AtomicInteger maxInsideListener = new AtomicInteger();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(4)
                .onItem(r -> {
                    // The item still holds its slot: never more than 4 items and listeners together.
                    maxInsideListener.accumulateAndGet(running.now.get(), Math::max);
                    running.exit();
                }).build();
        f.run(range(200), (in, ctx) -> {
            running.enter();
            return in;
        });
        assertTrue(running.max.get() <= 4, "max " + running.max.get());
        assertTrue(maxInsideListener.get() <= 4);
    }

    @Test
    void writesACheckpointAndResumesOnlyWhatDidNotSucceed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/run.jsonl");
        FanOut<String, String> f = FanOut.<String, String>builder().concurrency(4)
                .checkpoint(file, CheckpointCodec.strings()).build();
        List<String> inputs = List.of("a", "b", "c", "d", "e");
        FanOutResult<String, String> first = f.run(inputs, (in, ctx) -> {
            if (in.equals("c")) {
                throw new IllegalStateException("c is broken");
            }
            ctx.tokens(3, 4);
            return in.toUpperCase();
        });
        assertEquals(4, first.ok().size());
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        assertTrue(lines.contains("{\"index\":2,\"key\":\"c\",\"status\":\"FAILED\",\"value\":null,"
                + "\"error\":\"c is broken\",\"cause\":\"IllegalStateException\",\"attempts\":1,"
                + "\"latency_ms\":" + first.items().get(2).latency().toMillis()
                + ",\"prompt_tokens\":0,\"completion_tokens\":0}"), String.join("\n", lines));
        // A torn last line (a crash mid-write) is ignored.
        Files.writeString(file, "{\"index\":4,\"key\":\"e\",\"sta", java.nio.file.StandardOpenOption.APPEND);

        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        FanOutResult<String, String> second = f.run(inputs, (in, ctx) -> {
            ran.add(in);
            return in.toUpperCase();
        });
        assertEquals(List.of("c"), ran);
        assertEquals(List.of("A", "B", "C", "D", "E"), second.values());
        assertEquals(4, second.summary().resumed());
        assertTrue(second.items().get(0).resumed());
        assertEquals(3, second.items().get(0).promptTokens());
        assertFalse(second.items().get(2).resumed());
        assertEquals(7, Files.readAllLines(file).size(), "5 + the torn line + c");
        assertTrue(second.checkpointError().isEmpty());

        // Changed inputs at the same index run again.
        List<String> ran3 = Collections.synchronizedList(new ArrayList<>());
        f.run(List.of("a", "x"), (in, ctx) -> {
            ran3.add(in);
            return in;
        });
        assertEquals(List.of("x"), ran3);
    }

    @Test
    void eachEndpointKeepsItsOwnLimit() {
        Gauge a = new Gauge();
        Gauge b = new Gauge();
        Gauge all = new Gauge();
        FanOut<Integer, String> f = FanOut.<Integer, String>builder().endpoint("a", 3).endpoint("b", 5).build();
        assertEquals(8, f.concurrency());
        FanOutResult<Integer, String> r = f.run(range(400), (in, ctx) -> {
            Gauge g = ctx.endpoint() == 0 ? a : b;
            g.enter();
            all.enter();
            try {
                Thread.sleep(1);
                return ctx.endpointName();
            } finally {
                all.exit();
                g.exit();
            }
        });
        assertEquals(400, r.ok().size());
        assertTrue(a.max.get() <= 3, "a " + a.max.get());
        assertTrue(b.max.get() <= 5, "b " + b.max.get());
        assertTrue(all.max.get() <= 8);
        long onA = r.items().stream().filter(i -> i.endpoint() == 0).count();
        assertTrue(onA > 0 && onA < 400, "both endpoints used: " + onA);
        r.items().forEach(i -> assertEquals(i.endpoint() == 0 ? "a" : "b", i.value()));
    }

    @Test
    void aGlobalLimitBelowTheEndpointSumWins() {
        Gauge all = new Gauge();
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(2)
                .endpoint("a", 3).endpoint("b", 5).build();
        f.run(range(100), (in, ctx) -> {
            all.enter();
            try {
                Thread.sleep(1);
                return in;
            } finally {
                all.exit();
            }
        });
        assertTrue(all.max.get() <= 2);
    }

    @Test
    void twentyThousandItemsAllComeBack() {
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(64).build();
        FanOutResult<Integer, Integer> r = f.run(range(20_000), (in, ctx) -> in * 2);
        assertEquals(20_000, r.ok().size());
        for (int i = 0; i < 20_000; i++) {
            assertEquals(i * 2, r.items().get(i).value());
        }
    }

    @Test
    void anEmptyListEndsAtOnce() {
        FanOutResult<Integer, Integer> r = FanOut.<Integer, Integer>builder().build().run(List.of(), (in, ctx) -> in);
        assertEquals(List.of(), r.items());
        assertEquals(0, r.summary().total());
    }

    @Test
    void theRateLimitIsSharedByAllItems() {
        List<Long> waits = new CopyOnWriteArrayList<>();
        AtomicLong now = new AtomicLong();
        var limiter = dev.chorus.client.async.RateLimiter.of(10, 1, now::get, waits::add);
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(8).rateLimiter(limiter).build();
        f.run(range(5), (in, ctx) -> in);
        // The fake clock never moves, so 5 attempts reserve slots 0, 100, 200, 300, 400 ms.
        assertEquals(List.of(100_000_000L, 200_000_000L, 300_000_000L, 400_000_000L),
                waits.stream().sorted().toList());
    }

    @Test
    void startOffsetsShowTheRatePacingNotTheQueue() {
        // 20 permits/s, burst 1: the fifth permit cannot come before 200 ms after the first, so
        // the start offsets must spread over at least that (a lower bound; a slow machine only adds).
        var limiter = dev.chorus.client.async.RateLimiter.of(20, 1,
                System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(8).rateLimiter(limiter).build();
        FanOutResult<Integer, Integer> r = f.run(range(5), (in, ctx) -> in);
        List<Duration> starts = r.items().stream().map(ItemResult::start).sorted().toList();
        Duration spread = starts.get(4).minus(starts.get(0));
        assertTrue(spread.toMillis() >= 150, "start offsets spread " + spread + ": " + starts);
    }

    @Test
    void theSummarySaysWhatHappened() {
        FanOut<Integer, Integer> f = FanOut.<Integer, Integer>builder().concurrency(2).build();
        FanOutResult<Integer, Integer> r = f.run(range(4), (in, ctx) -> {
            if (in == 3) {
                throw new IllegalStateException("nope");
            }
            ctx.tokens(10, 5);
            return in;
        });
        FanOutResult.Summary s = r.summary();
        assertEquals(4, s.total());
        assertEquals(3, s.ok());
        assertEquals(1, s.failed());
        assertEquals(30, s.promptTokens());
        assertEquals(15, s.completionTokens());
        assertTrue(s.efficiency() > 0 && s.efficiency() <= 1.0 + 1e-9, "efficiency " + s.efficiency());
        String text = s.toString();
        assertTrue(text.startsWith("4 items: 3 ok, 1 failed, 0 timed out, 0 cancelled in "), text);
        assertTrue(text.contains("tokens 30 prompt + 15 completion"), text);
        assertTrue(text.endsWith("failures: IllegalStateException × 1"), text);
    }

    @Test
    void badSettingsAreRejectedWithClearMessages() {
        assertEquals("concurrency must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> FanOut.builder().concurrency(0)).getMessage());
        assertEquals("concurrency of endpoint 'a' must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> FanOut.builder().endpoint("a", 0)).getMessage());
        assertEquals("retries must be 0 or more, got -1", assertThrows(IllegalArgumentException.class,
                () -> FanOut.builder().retries(-1)).getMessage());
        assertEquals("itemTimeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> FanOut.builder().itemTimeout(Duration.ZERO)).getMessage());
        assertEquals("deadline must be positive, got PT-1S", assertThrows(IllegalArgumentException.class,
                () -> FanOut.builder().deadline(Duration.ofSeconds(-1))).getMessage());
    }
}
