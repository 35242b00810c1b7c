package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

class CancellationTest {
    private final ChatRequest hi = ChatRequest.builder().model("m").user("Hi").build();

    @Test
    void cancellingTheFutureClosesTheConnection() throws Exception {
        try (HangingServer server = new HangingServer(null);
             ChatClient client = ChatClient.builder().baseUrl(server.baseUrl()).build()) {
            CompletableFuture<ChatCompletion> f = client.chat().completions().createAsync(hi);
            assertTrue(server.requestRead.await(10, TimeUnit.SECONDS));

            assertTrue(f.cancel(true));

            assertTrue(server.clientClosed.await(10, TimeUnit.SECONDS), "server never saw the connection close");
            assertTrue(f.isCancelled());
        }
    }

    @Test
    void interruptingABlockingCreateCancelsTheCallAndKeepsTheFlag() throws Exception {
        try (HangingServer server = new HangingServer(null);
             ChatClient client = ChatClient.builder().baseUrl(server.baseUrl()).build()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flagKept = new AtomicBoolean();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    client.chat().completions().create(hi);
                } catch (RuntimeException e) {
                    thrown.set(e);
                    flagKept.set(Thread.currentThread().isInterrupted());
                }
            });
            assertTrue(server.requestRead.await(10, TimeUnit.SECONDS));

            caller.interrupt();

            caller.join(10_000);
            assertTrue(server.clientClosed.await(10, TimeUnit.SECONDS), "server never saw the connection close");
            ChorusCancelledException e = assertInstanceOf(ChorusCancelledException.class, thrown.get());
            assertEquals("POST /v1/chat/completions cancelled: the calling thread was interrupted", e.getMessage());
            assertTrue(flagKept.get());
        }
    }

    @Test
    void closingTheClientFailsCallsInFlightAndLeavesNoThreads() throws Exception {
        Set<String> before = platformThreadNames();
        try (HangingServer hanging = new HangingServer(null); MockWebServer ok = new MockWebServer()) {
            ok.start(Bodies.loopback(), 0);
            ok.enqueue(Bodies.ok("one"));
            ChatClient client = ChatClient.builder().baseUrl(hanging.baseUrl()).build();
            ChatClient second = ChatClient.builder().baseUrl(ok.url("/v1").toString()).build();
            assertEquals("one", second.chat().completions().create(hi).content());
            CompletableFuture<ChatCompletion> inFlight = client.chat().completions().createAsync(hi);
            assertTrue(hanging.requestRead.await(10, TimeUnit.SECONDS));

            client.close();
            second.close();

            var e = assertInstanceOf(ChorusCancelledException.class,
                    org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                            () -> inFlight.get(10, TimeUnit.SECONDS)).getCause());
            assertEquals("POST /v1/chat/completions cancelled: the client is closed", e.getMessage());
            assertTrue(hanging.clientClosed.await(10, TimeUnit.SECONDS));
            assertTrue(client.isTerminated());
            assertTrue(second.isTerminated());
            var afterClose = assertInstanceOf(ChorusCancelledException.class,
                    org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                            () -> client.chat().completions().createAsync(hi).get(10, TimeUnit.SECONDS)).getCause());
            assertEquals("POST /v1/chat/completions cancelled: the client is closed", afterClose.getMessage());
        }
        // HTTP work runs on the client's virtual threads (checked by isTerminated above); no platform
        // thread of the client's may remain. OkHttp's process-wide "OkHttp TaskRunner" daemons are
        // shared by all clients and idle out on their own, so they are not the client's.
        Set<String> left = platformThreadNames();
        left.removeAll(before);
        left.removeIf(n -> n.startsWith("OkHttp TaskRunner") || n.startsWith("MockWebServer")
                || n.startsWith("ForkJoinPool") || n.startsWith("hanging-server"));
        assertEquals(Set.of(), left);
    }

    private static Set<String> platformThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }
}
