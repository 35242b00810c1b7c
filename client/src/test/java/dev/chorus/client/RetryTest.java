package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final MockWebServer server = new MockWebServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final FakeClock clock = new FakeClock();
    private ChatClient client;
    private final ChatRequest hi = ChatRequest.builder().model("m").user("Hi").build();

    @BeforeEach
    void start() throws Exception {
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1").toString()).sleeper(sleeper).clock(clock).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void retriesServerErrorsWithJitteredExponentialBackoff() {
        server.enqueue(Bodies.status(500, "boom"));
        server.enqueue(Bodies.status(503, "busy"));
        server.enqueue(Bodies.ok("finally"));

        ChatCompletion answer = client.chat().completions().create(hi);

        assertEquals("finally", answer.content());
        assertEquals(3, answer.attempts());
        assertEquals(3, server.getRequestCount());
        List<Duration> slept = sleeper.slept();
        assertEquals(2, slept.size());
        assertTrue(slept.get(0).compareTo(Duration.ofMillis(500)) <= 0, slept.toString());
        assertTrue(slept.get(1).compareTo(Duration.ofMillis(1000)) <= 0, slept.toString());
    }

    @Test
    void retriesABodyThatIsNotAChatCompletion() {
        server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body("{\"id\":\"chatcmpl-1\",\"choi").build());
        server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body("<html>gateway</html>").build());
        server.enqueue(Bodies.ok("finally"));

        ChatCompletion answer = client.chat().completions().create(hi);

        assertEquals("finally", answer.content());
        assertEquals(3, answer.attempts());
        assertEquals(3, server.getRequestCount());
        assertEquals(2, sleeper.slept().size());
    }

    @Test
    void givesUpAfterMaxRetriesAndSaysHowOften() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(Bodies.status(429, "rate limited"));
        }
        var e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(hi));
        assertEquals("POST /v1/chat/completions failed: 429 Too Many Requests: rate limited (request id r-429), "
                + "after 3 attempts", e.getMessage());
        assertEquals(429, e.status());
        assertEquals("r-429", e.requestId());
        assertEquals("rate limited", e.serverMessage());
        assertTrue(e.isRetryable());
        assertEquals(Optional.empty(), e.retryAfter());
        assertEquals(3, server.getRequestCount());
        assertEquals(2, sleeper.slept().size());
    }

    @Test
    void honoursRetryAfterSecondsAndCapsIt() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3").build());
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").build());
        server.enqueue(Bodies.ok("ok"));

        assertEquals("ok", client.chat().completions().create(hi).content());
        assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(60)), sleeper.slept());
    }

    @Test
    void honoursRetryAfterAsHttpDate() {
        String in7s = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(7).atOffset(ZoneOffset.UTC));
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", in7s).build());
        server.enqueue(Bodies.ok("ok"));

        client.chat().completions().create(hi);
        assertEquals(List.of(Duration.ofSeconds(7)), sleeper.slept());
    }

    @Test
    void rateLimitExceptionCarriesRetryAfterWhenRetriesAreOff() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").build());
        var e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(hi,
                RequestOptions.builder().maxRetries(0).build()));
        assertEquals(Optional.of(Duration.ofSeconds(120)), e.retryAfter());
        assertEquals("POST /v1/chat/completions failed: 429 Too Many Requests", e.getMessage());
        assertEquals(List.of(), sleeper.slept());
    }

    @Test
    void doesNotRetryClientErrors() {
        server.enqueue(Bodies.status(400, "bad field"));
        var e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(hi));
        assertEquals("POST /v1/chat/completions failed: 400 Bad Request: bad field (request id r-400)", e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void perRequestMaxRetriesOverridesTheClient() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(Bodies.status(502, "gateway"));
        }
        server.enqueue(Bodies.ok("sixth"));
        ChatCompletion answer = client.chat().completions().create(hi, RequestOptions.builder().maxRetries(5).build());
        assertEquals(6, answer.attempts());
        List<Duration> slept = sleeper.slept();
        assertEquals(5, slept.size());
        for (int i = 0; i < slept.size(); i++) {
            long ceiling = Math.min(8000, 500L << i);
            assertTrue(slept.get(i).toMillis() <= ceiling, slept.toString());
        }
    }

    @Test
    void retriesConnectionFailuresThenReportsThem() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, Bodies.loopback())) {
            port = s.getLocalPort();
        }
        try (ChatClient dead = ChatClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").sleeper(sleeper)
                .build()) {
            var e = assertThrows(ChorusConnectionException.class, () -> dead.chat().completions().create(hi));
            assertTrue(e.getMessage().startsWith("POST /v1/chat/completions failed: could not connect (ConnectException: "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith(", after 3 attempts"), e.getMessage());
            assertEquals(0, e.status());
            assertTrue(e.isRetryable());
            assertEquals(2, sleeper.slept().size());
        }
    }

    @Test
    void perAttemptTimeoutIsChorusTimeoutException() {
        server.enqueue(new MockResponse.Builder().code(200).headersDelay(5, java.util.concurrent.TimeUnit.SECONDS)
                .body(Bodies.completion("late")).build());
        var e = assertThrows(ChorusTimeoutException.class, () -> client.chat().completions().create(hi,
                RequestOptions.builder().maxRetries(0).timeout(Duration.ofMillis(200)).build()));
        assertTrue(e.getMessage().startsWith("POST /v1/chat/completions failed: timed out after 200 ms ("),
                e.getMessage());
        assertInstanceOf(java.io.InterruptedIOException.class, e.getCause());
    }
}
