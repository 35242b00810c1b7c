package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EvolutionAuthTest {
    private static final String KEY_ID = "key-id-0123456789";
    private static final String SECRET = "the-secret-never-shown";

    private final MockWebServer server = new MockWebServer();
    private final FakeClock clock = new FakeClock();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> tokenBodies = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> chatAuth = new ConcurrentLinkedQueue<>();
    /** Chat answers 401 to any token in this list. */
    private final List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long expiresIn = 3600;
    private volatile int tokenStatus = 200;
    private ChatClient client;

    @BeforeEach
    void start() throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (request.getUrl().encodedPath().equals("/api/v1/auth/token")) {
                    tokenBodies.add(request.getBody().utf8());
                    if (tokenStatus != 200) {
                        return Bodies.status(tokenStatus, "invalid key");
                    }
                    // Slow enough that concurrent callers really queue behind one refresh.
                    Thread.sleep(50);
                    return new MockResponse.Builder().code(200)
                            .body(Bodies.token("tok-" + tokensIssued.incrementAndGet(), expiresIn)).build();
                }
                String auth = request.getHeaders().get("Authorization");
                chatAuth.add(String.valueOf(auth));
                if (auth == null || revoked.contains(auth.substring("Bearer ".length()))) {
                    return Bodies.status(401, "token expired");
                }
                return Bodies.ok("hi");
            }
        });
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1").toString()).evolution(KEY_ID, SECRET)
                .tokenUrl(server.url("/api/v1/auth/token").toString()).clock(clock)
                .sleeper(new RecordingSleeper()).maxConcurrentRequests(512).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private ChatCompletion ask() {
        return client.chat().completions().create(ChatRequest.builder().model("m").user("Hi").build());
    }

    @Test
    void fetchesATokenOnceAndSendsItAsBearer() throws Exception {
        ask();
        ask();
        assertEquals(1, tokensIssued.get());
        assertEquals(List.of("Bearer tok-1", "Bearer tok-1"), new ArrayList<>(chatAuth));
        JsonNode body = new ObjectMapper().readTree(tokenBodies.peek());
        assertEquals(KEY_ID, body.get("keyId").asText());
        assertEquals(SECRET, body.get("secret").asText());
    }

    @Test
    void refreshesThirtySecondsBeforeExpiry() {
        ask();
        clock.advance(Duration.ofSeconds(3600 - 31));
        ask();
        assertEquals(1, tokensIssued.get());
        clock.advance(Duration.ofSeconds(2));
        ask();
        assertEquals(2, tokensIssued.get());
        assertEquals(List.of("Bearer tok-1", "Bearer tok-1", "Bearer tok-2"), new ArrayList<>(chatAuth));
    }

    @Test
    void a401FetchesANewTokenAndRetriesOnce() {
        ask();
        revoked.add("tok-1");
        ChatCompletion answer = ask();
        assertEquals("hi", answer.content());
        assertEquals(1, answer.attempts());
        assertEquals(2, tokensIssued.get());
        assertEquals(List.of("Bearer tok-1", "Bearer tok-1", "Bearer tok-2"), new ArrayList<>(chatAuth));
    }

    @Test
    void a401WithTheFreshTokenIsAnAuthenticationException() {
        revoked.add("tok-1");
        revoked.add("tok-2");
        var e = assertThrows(AuthenticationException.class, this::ask);
        assertEquals("POST /v1/chat/completions failed: 401 Unauthorized: token expired (request id r-401)",
                e.getMessage());
        assertEquals(2, tokensIssued.get());
        assertEquals(2, chatAuth.size());
    }

    @Test
    void twoHundredConcurrentRequestsWithAnExpiredTokenShareOneRefresh() throws Exception {
        ask();
        clock.advance(Duration.ofHours(2));
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(client.chat().completions().createAsync(ChatRequest.builder().model("m").user("q" + i).build()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(2, tokensIssued.get());
        assertEquals(200, chatAuth.stream().filter("Bearer tok-2"::equals).count());
    }

    @Test
    void rejectedCredentialsNameTheTokenCallAndHideTheSecret() {
        tokenStatus = 401;
        var e = assertThrows(AuthenticationException.class, this::ask);
        assertEquals("POST /api/v1/auth/token failed: 401 Unauthorized: invalid key (request id r-401)",
                e.getMessage());
        assertEquals(0, chatAuth.size());
        assertFalse(e.toString().contains(SECRET));
        assertFalse(client.describe().contains(SECRET));
    }

    @Test
    void tokenEndpointServerErrorsAreRetriedLikeAnyOther() {
        tokenStatus = 503;
        var e = assertThrows(ServerException.class, this::ask);
        assertEquals("POST /api/v1/auth/token failed: 503 Service Unavailable: invalid key (request id r-503), "
                + "after 3 attempts",
                e.getMessage());
        assertEquals(3, tokenBodies.size());
    }
}
