package dev.chorus.client.fanout;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat fan-out against the sandbox server on loopback. */
class ChatFanOutIT {

    private static ChatClient client(Sandbox sb) {
        return ChatClient.builder().baseUrl(sb.baseUrl()).apiKey("sk-test").model("sandbox").build();
    }

    private static Behavior.Builder open() {
        return Behavior.builder().requireAuth(false);
    }

    private static ChatRequest ask(Object input) {
        return ChatRequest.builder().user("item " + input).build();
    }

    @Test
    void tenThousandItemsWithTransientFaultsAllSucceed() {
        Behavior faulty = open().failRate(0.10).retryAfter(Duration.ZERO).seed(42)
                .faults(Fault.RATE_LIMIT_429, Fault.SERVER_500, Fault.UNAVAILABLE_503).build();
        List<Integer> inputs = IntStream.range(0, 10_000).boxed().toList();
        try (Sandbox sb = Sandbox.start(faulty); ChatClient c = client(sb)) {
            FanOutResult<Integer, ChatCompletion> r = FanOut.chat(c).concurrency(64).retries(8)
                    .backoff(Duration.ZERO, Duration.ZERO).run(inputs, ChatFanOutIT::ask);
            assertEquals(10_000, r.items().size());
            assertEquals(10_000, r.ok().size(), () -> r.summary().toString());
            for (int i = 0; i < inputs.size(); i++) {
                ItemResult<Integer, ChatCompletion> item = r.items().get(i);
                assertEquals(i, item.index());
                assertEquals("Echo: item " + i, item.value().content());
                assertTrue(item.totalTokens() > 0);
            }
            long attempts = r.summary().attempts();
            long retried = r.items().stream().filter(i -> i.attempts() > 1).count();
            assertTrue(retried > 0, "some items needed a retry");
            // Every attempt reached the server once: the client itself did not retry behind our back.
            assertEquals(attempts, sb.stats().requests("chat"));
            assertEquals(attempts - 10_000, sb.stats().faultsInjected());
            assertTrue(sb.stats().maxInFlight() <= 64, "server saw " + sb.stats().maxInFlight());
        }
    }

    @Test
    void permanentFailuresAreDataWithTheServersMessage() {
        try (Sandbox sb = Sandbox.start(open().build()); ChatClient c = client(sb)) {
            FanOutResult<Integer, ChatCompletion> r = FanOut.chat(c).concurrency(4).retries(1)
                    .backoff(Duration.ZERO, Duration.ZERO)
                    .run(List.of(1, 2), in -> in == 1 ? ask(in) : ChatRequest.builder().model("").user("x").build());
            assertEquals(ItemStatus.OK, r.items().get(0).status());
            ItemResult<Integer, ChatCompletion> bad = r.items().get(1);
            assertEquals(ItemStatus.FAILED, bad.status(), () -> String.valueOf(bad.value()));
            assertEquals(1, bad.attempts(), "a 400 is not retried");
            assertTrue(bad.error().message().contains("you must provide a model parameter"), bad.error().message());
            assertEquals("BadRequestException", bad.error().causeClass());
        }
    }

    @Test
    void streamedAnswersAreAssembled() {
        try (Sandbox sb = Sandbox.start(open().build()); ChatClient c = client(sb)) {
            FanOutResult<String, ChatCompletion> r = FanOut.chat(c).concurrency(8).stream(true)
                    .run(List.of("a", "b", "c"), ChatFanOutIT::ask);
            assertEquals(List.of("Echo: item a", "Echo: item b", "Echo: item c"),
                    r.items().stream().map(i -> i.value().content()).toList());
        }
    }

    @Test
    void twoEndpointsEachKeepTheirLimit() {
        try (Sandbox s1 = Sandbox.start(open().latency(Duration.ofMillis(5)).build());
             Sandbox s2 = Sandbox.start(open().latency(Duration.ofMillis(5)).build());
             ChatClient a = client(s1); ChatClient b = client(s2)) {
            Set<Integer> seenA = ConcurrentHashMap.newKeySet();
            FanOut.Builder<Integer, Integer> unused = FanOut.builder();
            FanOutResult<Integer, ChatCompletion> r = FanOut.chat().endpoint(a, 2).endpoint(b, 6)
                    .run(IntStream.range(0, 200).boxed().toList(), in -> {
                        seenA.add(in);
                        return ask(in);
                    });
            assertEquals(200, r.ok().size());
            long onA = r.items().stream().filter(i -> i.endpoint() == 0).count();
            assertEquals(onA, s1.stats().requests("chat"));
            assertEquals(200 - onA, s2.stats().requests("chat"));
            assertTrue(onA > 0 && onA < 200);
            assertTrue(s1.stats().maxInFlight() <= 2, "endpoint a in flight " + s1.stats().maxInFlight());
            assertTrue(s2.stats().maxInFlight() <= 6, "endpoint b in flight " + s2.stats().maxInFlight());
            assertTrue(maxOverlap(r, 0) <= 2, "endpoint a overlap " + maxOverlap(r, 0));
            assertTrue(maxOverlap(r, 1) <= 6, "endpoint b overlap " + maxOverlap(r, 1));
            assertEquals(200, seenA.size());
            assertFalse(unused.build().toString().isEmpty());
        }
    }

    /** The most items of one endpoint whose [start, end] intervals overlap at one instant. */
    private static int maxOverlap(FanOutResult<Integer, ChatCompletion> r, int endpoint) {
        record Edge(long at, int delta) {
        }
        List<Edge> edges = new java.util.ArrayList<>();
        for (ItemResult<Integer, ChatCompletion> i : r.items()) {
            if (i.endpoint() == endpoint && i.start() != null) {
                edges.add(new Edge(i.start().toNanos(), +1));
                edges.add(new Edge(i.end().toNanos(), -1));
            }
        }
        // Ends sort before starts at the same instant: a slot freed and taken again is not an overlap.
        edges.sort(java.util.Comparator.comparingLong(Edge::at).thenComparingInt(Edge::delta));
        int now = 0;
        int max = 0;
        for (Edge e : edges) {
            now += e.delta();
            max = Math.max(max, now);
        }
        return max;
    }

    @Test
    void interruptCancelsCallsInFlightPromptly() throws Exception {
        // Answers take ten minutes: only an interrupt can end this fan-out.
        try (Sandbox sb = Sandbox.start(open().latency(Duration.ofMinutes(10)).build()); ChatClient c = client(sb)) {
            AtomicReference<FanOutResult<Integer, ChatCompletion>> result = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> result.set(FanOut.chat(c).concurrency(4)
                    .run(IntStream.range(0, 20).boxed().toList(), ChatFanOutIT::ask)));
            waitForRequests(sb, 4);
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(caller.isAlive(), "run() returned after the interrupt");
            FanOutResult<Integer, ChatCompletion> r = result.get();
            assertTrue(r.cancelled());
            assertEquals(20, r.items().stream().filter(i -> i.status() == ItemStatus.CANCELLED).count());
            assertEquals(4, r.items().stream().filter(i -> i.attempts() == 1).count(), "the 4 calls in flight");
            assertEquals(4, sb.stats().requests("chat"));
            assertTrue(sb.stats().maxInFlight() <= 4);
        }
    }

    private static void waitForRequests(Sandbox sb, long n) throws InterruptedException {
        for (int i = 0; i < 500 && sb.stats().requests("chat") < n; i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void aCheckpointOfAnswersResumes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("answers.jsonl");
        try (Sandbox sb = Sandbox.start(open().build()); ChatClient c = client(sb)) {
            List<String> inputs = List.of("x", "y", "z");
            FanOut.chat(c).checkpoint(file).run(inputs, ChatFanOutIT::ask);
            assertEquals(3, Files.readAllLines(file).size());
            assertTrue(Files.readString(file).contains("\"value\":\"Echo: item y\""));
            sb.resetStats();
            FanOutResult<String, ChatCompletion> again = FanOut.chat(c).checkpoint(file).run(inputs, ChatFanOutIT::ask);
            assertEquals(0, sb.stats().requests("chat"));
            assertEquals(List.of("Echo: item x", "Echo: item y", "Echo: item z"),
                    again.items().stream().map(i -> i.value().content()).toList());
            assertTrue(again.items().get(0).totalTokens() > 0, "tokens come back from the checkpoint");
        }
    }
}
