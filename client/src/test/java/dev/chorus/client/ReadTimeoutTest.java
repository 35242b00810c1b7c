package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's read and write timeouts on cleartext HTTP, which a watchdog keeps instead of okio:
 * a blocked read or write fails as a timeout, a slow answer that keeps arriving does not, and an
 * idle pooled connection is not closed.
 */
@Timeout(30)
class ReadTimeoutTest {
    private final ChatRequest hi = ChatRequest.builder().model("m").user("Hi").build();

    private static ChatClient client(String baseUrl, Duration readTimeout) {
        return ChatClient.builder().baseUrl(baseUrl).apiKey("sk-timeout-0123456789").maxRetries(0)
                .readTimeout(readTimeout).build();
    }

    @Test
    void anAnswerThatNeverComesTimesOut() throws Exception {
        try (HangingServer hanging = new HangingServer(null);
             ChatClient c = client(hanging.baseUrl(), Duration.ofMillis(300))) {
            var e = assertThrows(ChorusTimeoutException.class, () -> c.chat().completions().create(hi));
            assertTrue(e.getMessage().startsWith("POST /v1/chat/completions failed: timed out"), e.getMessage());
            assertTrue(e.getMessage().contains("read blocked longer than 300 ms"), e.getMessage());
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertTrue(hanging.clientClosed.await(10, TimeUnit.SECONDS), "the timed-out connection stayed open");
        }
    }

    @Test
    void aStreamThatFallsSilentTimesOutAfterItsFirstChunk() throws Exception {
        try (HangingServer hanging = new HangingServer(ChatStreamTest.firstChunkThenSilence());
             ChatClient c = client(hanging.baseUrl(), Duration.ofMillis(300));
             ChatStream stream = c.chat().completions().stream(hi)) {
            Iterator<ChatChunk> it = stream.iterator();
            assertEquals("first", it.next().delta());
            var e = assertThrows(ChorusTimeoutException.class, it::hasNext);
            assertTrue(e.getMessage().contains("read blocked longer than 300 ms"), e.getMessage());
        }
    }

    @Test
    void aSlowStreamThatKeepsArrivingDoesNotTimeOut() throws Exception {
        // Ten events about 100 ms apart: a second in all, more than the 400 ms timeout, but no
        // single read waits that long.
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            body.append(ChatStreamTest.chunk("w" + i, null));
        }
        body.append(ChatStreamTest.chunk(null, "stop")).append("data: [DONE]\n\n");
        int eventSize = ChatStreamTest.chunk("w0", null).length();
        try (MockWebServer server = new MockWebServer()) {
            server.start(Bodies.loopback(), 0);
            server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                    .body(body.toString()).throttleBody(eventSize, 100, TimeUnit.MILLISECONDS).build());
            try (ChatClient c = client(server.url("/v1").toString(), Duration.ofMillis(400));
                 ChatStream stream = c.chat().completions().stream(hi)) {
                long start = System.nanoTime();
                List<String> deltas = new ArrayList<>();
                for (ChatChunk chunk : stream) {
                    if (chunk.delta() != null && !chunk.delta().isEmpty()) {
                        deltas.add(chunk.delta());
                    }
                }
                assertEquals(List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"), deltas);
                // Guards the test itself: the stream really lasted longer than the timeout.
                assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(400));
            }
        }
    }

    @Test
    void anIdlePooledConnectionOutlivesTheTimeout() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(Bodies.loopback(), 0);
            server.enqueue(Bodies.ok("one"));
            server.enqueue(Bodies.ok("two"));
            try (ChatClient c = client(server.url("/v1").toString(), Duration.ofMillis(100))) {
                assertEquals("one", c.chat().completions().create(hi).content());
                Thread.sleep(500);   // five timeouts, idle in the pool
                assertEquals("two", c.chat().completions().create(hi).content());
            }
            assertEquals(0, server.takeRequest().getConnectionIndex());
            assertEquals(0, server.takeRequest().getConnectionIndex(), "the idle connection was closed");
        }
    }

    @Test
    void aRequestTheServerNeverReadsTimesOutWhileWriting() throws Exception {
        try (ServerSocket deaf = new ServerSocket(0, 50, Bodies.loopback())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = deaf.accept()) {
                    Thread.sleep(20_000);   // accept, then never read
                } catch (IOException | InterruptedException ignored) {
                    // the test is over
                }
            });
            // Larger than the loopback send and receive buffers together, so the write must block.
            ChatRequest huge = ChatRequest.builder().model("m").user("x".repeat(24 << 20)).build();
            try (ChatClient c = client("http://127.0.0.1:" + deaf.getLocalPort() + "/v1", Duration.ofMillis(300))) {
                var e = assertThrows(ChorusTimeoutException.class, () -> c.chat().completions().create(huge));
                assertTrue(e.getMessage().contains("write blocked longer than 300 ms"), e.getMessage());
            } finally {
                acceptor.interrupt();
            }
        }
    }

    @Test
    void closingTheClientStopsItsWatchdog() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(Bodies.loopback(), 0);
            server.enqueue(Bodies.ok("one"));
            ChatClient c = client(server.url("/v1").toString(), Duration.ofSeconds(5));
            assertEquals("one", c.chat().completions().create(hi).content());
            c.close();
            assertTrue(c.isTerminated(), "a thread of the client is still running");
        }
    }
}
