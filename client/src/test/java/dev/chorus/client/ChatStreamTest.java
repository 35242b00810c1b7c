package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatStreamTest {
    private final MockWebServer server = new MockWebServer();
    private final ChatRequest hi = ChatRequest.builder().model("m").user("Hi").build();
    private ChatClient client;

    @BeforeEach
    void start() throws Exception {
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-stream-0123456789")
                .sleeper(new RecordingSleeper()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + (delta == null ? "{}" : "{\"content\":\"" + delta + "\"}") + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
    }

    /** A chunked SSE response that sends one event ("first") and then nothing, keeping the connection open. */
    static String firstChunkThenSilence() {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        String event = chunk("first", null);
        return head + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n";
    }

    static MockResponse sse(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
                .setHeader("x-request-id", "r-s").body(body).build();
    }

    @Test
    void aStreamReadToItsEndLeavesItsConnectionForTheNextCall() throws Exception {
        // Bytes after [DONE] that the reader never needs: the connection is reusable only if closing
        // the stream drains them instead of cancelling the call.
        String tail = ": " + "x".repeat(200_000) + "\n\n";
        server.enqueue(sse(chunk("one", "stop") + "data: [DONE]\n\n" + tail));
        server.enqueue(sse(chunk("two", "stop") + "data: [DONE]\n\n" + tail));
        for (String expected : List.of("one", "two")) {
            try (ChatStream stream = client.chat().completions().stream(hi)) {
                stream.forEach(c -> { });
                assertEquals(expected, stream.text());
            }
        }
        assertEquals(0, server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex());
        assertEquals(0, server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex());
    }

    @Test
    void readsChunksUsageAndDone() throws Exception {
        server.enqueue(sse(": keep-alive comment\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n"
                + chunk("Hel", null) + chunk("lo", null) + "event: message\n" + chunk(null, "stop")
                + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
                + "data: [DONE]\n\n" + chunk("after done is ignored", null)));
        List<ChatChunk> chunks = new ArrayList<>();
        try (ChatStream stream = client.chat().completions().stream(hi)) {
            for (ChatChunk c : stream) {
                chunks.add(c);
            }
            assertEquals("Hello", stream.text());
            assertEquals(new Usage(3, 2, 5), stream.usage());
            assertEquals("r-s", stream.requestId());
        }
        assertEquals(List.of("", "Hel", "lo", "", ""), chunks.stream().map(ChatChunk::delta).toList());
        assertEquals("stop", chunks.get(3).finishReason());
        assertNull(chunks.get(1).finishReason());
        assertEquals(new Usage(3, 2, 5), chunks.get(4).usage());

        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        String body = sent.getBody().utf8();
        assertTrue(body.contains("\"stream\":true,\"stream_options\":{\"include_usage\":true}"), body);
        assertEquals("text/event-stream", sent.getHeaders().get("Accept"));
    }

    @Test
    void malformedEventIsThrownFromTheIterator() {
        server.enqueue(sse(chunk("ok", null) + "data: {broken\n\n"));
        try (ChatStream stream = client.chat().completions().stream(hi)) {
            Iterator<ChatChunk> it = stream.iterator();
            assertEquals("ok", it.next().delta());
            var e = assertThrows(MalformedResponseException.class, it::hasNext);
            assertTrue(e.getMessage().startsWith("POST /v1/chat/completions failed: malformed response "
                    + "(200, request id r-s): bad stream event '{broken' ("), e.getMessage());
            assertFalse(it.hasNext());
            assertEquals("ok", stream.text());
        }
    }

    @Test
    void errorEventMidStreamIsThrownFromTheIterator() {
        server.enqueue(sse(chunk("par", null) + "data: {\"error\":{\"message\":\"model overloaded\",\"code\":503}}\n\n"));
        try (ChatStream stream = client.chat().completions().stream(hi)) {
            Iterator<ChatChunk> it = stream.iterator();
            assertEquals("par", it.next().delta());
            var e = assertThrows(ServerException.class, it::next);
            assertEquals("POST /v1/chat/completions failed mid-stream: model overloaded (request id r-s)",
                    e.getMessage());
            assertEquals("model overloaded", e.serverMessage());
        }
    }

    @Test
    void statusErrorsBeforeTheFirstChunkAreRetriedThenThrown() {
        server.enqueue(Bodies.status(503, "warming up"));
        server.enqueue(sse(chunk("yes", "stop") + "data: [DONE]\n\n"));
        try (ChatStream stream = client.chat().completions().stream(hi)) {
            assertEquals(List.of("yes"), toDeltas(stream));
        }
        server.enqueue(Bodies.status(401, "bad key"));
        var e = assertThrows(AuthenticationException.class, () -> client.chat().completions().stream(hi));
        assertEquals("POST /v1/chat/completions failed: 401 Unauthorized: bad key (request id r-401)", e.getMessage());
    }

    @Test
    void streamEndingWithoutDoneEndsTheIteration() {
        server.enqueue(sse(chunk("a", null) + chunk("b", "stop")));
        try (ChatStream stream = client.chat().completions().stream(hi)) {
            assertEquals(List.of("a", "b"), toDeltas(stream));
            var e = assertThrows(IllegalStateException.class, stream::iterator);
            assertEquals("a ChatStream can be iterated only once", e.getMessage());
        }
    }

    @Test
    void closingMidStreamClosesTheConnection() throws Exception {
        try (HangingServer hanging = new HangingServer(firstChunkThenSilence());
             ChatClient c = ChatClient.builder().baseUrl(hanging.baseUrl()).build()) {
            ChatStream stream = c.chat().completions().stream(hi);
            Iterator<ChatChunk> it = stream.iterator();
            assertEquals("first", it.next().delta());

            stream.close();

            assertTrue(hanging.clientClosed.await(10, TimeUnit.SECONDS), "server never saw the connection close");
            assertFalse(it.hasNext());
        }
    }

    @Test
    void interruptingAVirtualThreadThatReadsCancelsTheStream() throws Exception {
        try (HangingServer hanging = new HangingServer(firstChunkThenSilence());
             ChatClient c = ChatClient.builder().baseUrl(hanging.baseUrl()).build()) {
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch firstRead = new java.util.concurrent.CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> {
                try (ChatStream stream = c.chat().completions().stream(hi)) {
                    for (ChatChunk chunk : stream) {
                        firstRead.countDown();
                    }
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
            });
            assertTrue(firstRead.await(10, TimeUnit.SECONDS));

            reader.interrupt();

            reader.join(10_000);
            assertTrue(hanging.clientClosed.await(10, TimeUnit.SECONDS), "server never saw the connection close");
            var e = org.junit.jupiter.api.Assertions.assertInstanceOf(ChorusCancelledException.class, thrown.get());
            assertEquals("POST /v1/chat/completions cancelled: the reading thread was interrupted", e.getMessage());
        }
    }

    @Test
    void closingFromAnotherThreadWhileTheReaderIsBlockedCancelsTheReader() throws Exception {
        try (HangingServer hanging = new HangingServer(firstChunkThenSilence());
             ChatClient c = ChatClient.builder().baseUrl(hanging.baseUrl()).build()) {
            ChatStream stream = c.chat().completions().stream(hi);
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch firstRead = new java.util.concurrent.CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (ChatChunk chunk : stream) {
                        firstRead.countDown();
                    }
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            assertTrue(firstRead.await(10, TimeUnit.SECONDS));
            Thread.sleep(200);   // let the reader block in the read of the next event (the server sends none)

            stream.close();   // from this thread, under the reader's read: must not throw

            reader.join(10_000);
            assertFalse(reader.isAlive(), "the reader is still blocked");
            assertTrue(hanging.clientClosed.await(10, TimeUnit.SECONDS), "server never saw the connection close");
            var e = org.junit.jupiter.api.Assertions.assertInstanceOf(ChorusCancelledException.class, thrown.get());
            assertEquals("POST /v1/chat/completions cancelled: the stream was closed", e.getMessage());
        }
    }

    private static List<String> toDeltas(ChatStream stream) {
        List<String> out = new ArrayList<>();
        stream.forEach(c -> out.add(c.delta()));
        return out;
    }
}
