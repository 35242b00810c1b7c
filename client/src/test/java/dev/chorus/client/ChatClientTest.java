package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatClientTest {
    private final MockWebServer server = new MockWebServer();
    private ChatClient client;

    @BeforeEach
    void start() throws Exception {
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1/").toString()).apiKey("sk-test-0123456789abcdef")
                .model("m-default").build();
    }

    private static RequestOptions once() {
        return RequestOptions.builder().maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void sendsHeadersAndBodyAndParsesTheCompletion() throws Exception {
        server.enqueue(Bodies.ok("hello"));
        ChatRequest req = ChatRequest.builder().model("m1").system("Be terse.").user("Hi").maxTokens(50)
                .temperature(0.5).topP(0.9).stop(List.of("\n")).extra("seed", 7).build();

        ChatCompletion answer = client.chat().completions().create(req);

        assertEquals("hello", answer.content());
        assertEquals("cmpl-1", answer.id());
        assertEquals("m1", answer.model());
        assertEquals(new Usage(5, 2, 7), answer.usage());
        assertEquals("r-ok", answer.requestId());
        assertEquals(1, answer.attempts());
        assertEquals(List.of(new Choice(0, Message.assistant("hello"), "stop")), answer.choices());

        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", sent.getMethod());
        assertEquals("/v1/chat/completions", sent.getUrl().encodedPath());
        assertEquals("Bearer sk-test-0123456789abcdef", sent.getHeaders().get("Authorization"));
        assertTrue(sent.getHeaders().get("User-Agent").startsWith("chorus/"), sent.getHeaders().get("User-Agent"));
        assertEquals("application/json", sent.getHeaders().get("Content-Type"));
        JsonNode body = new ObjectMapper().readTree(sent.getBody().utf8());
        assertEquals("m1", body.get("model").asText());
        assertEquals("system", body.get("messages").get(0).get("role").asText());
        assertEquals("Be terse.", body.get("messages").get(0).get("content").asText());
        assertEquals("Hi", body.get("messages").get(1).get("content").asText());
        assertEquals(50, body.get("max_tokens").asInt());
        assertEquals(0.5, body.get("temperature").asDouble());
        assertEquals(0.9, body.get("top_p").asDouble());
        assertEquals("\n", body.get("stop").get(0).asText());
        assertEquals(7, body.get("seed").asInt());
        assertFalse(body.has("stream"));
    }

    @Test
    void blockingCallsOnAVirtualThreadRunThereAndReuseOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(Bodies.ok("a" + i));
        }
        List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 3; i++) {
                answers.add(client.chat().completions().create(ChatRequest.builder().user("Hi").build()).content());
            }
        });
        t.join();
        assertEquals(List.of("a0", "a1", "a2"), answers);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, server.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex());
        }
    }

    @Test
    void manyConcurrentBlockingCallsAreAllAnswered() throws Exception {
        int n = 100;
        for (int i = 0; i < n; i++) {
            server.enqueue(Bodies.ok("x"));
        }
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                threads.submit(() -> {
                    if (client.chat().completions().create(ChatRequest.builder().user("Hi").build()).content()
                            .equals("x")) {
                        ok.incrementAndGet();
                    }
                });
            }
        }
        assertEquals(n, ok.get());
        assertEquals(n, server.getRequestCount());
    }

    @Test
    void usesTheDefaultModelAndPerRequestHeaders() throws Exception {
        server.enqueue(Bodies.ok("x"));
        client.chat().completions().create(ChatRequest.builder().user("Hi").build(),
                RequestOptions.builder().header("X-Trace", "t-1").build());
        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("t-1", sent.getHeaders().get("X-Trace"));
        assertTrue(sent.getBody().utf8().contains("\"model\":\"m-default\""), sent.getBody().utf8());
    }

    @Test
    void requestWithoutModelAndNoDefaultIsRejectedBeforeSending() {
        try (ChatClient bare = ChatClient.builder().baseUrl(server.url("/v1").toString()).build()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> bare.chat().completions().create(ChatRequest.builder().user("Hi").build()));
            assertEquals("the ChatRequest names no model and the client has no default "
                    + "(set ChatClient.builder().model(...))", e.getMessage());
        }
        assertEquals(0, server.getRequestCount());
    }

    @Test
    void createAsyncCompletesWithTheAnswer() throws Exception {
        server.enqueue(Bodies.ok("async"));
        assertEquals("async", client.chat().completions().createAsync(ChatRequest.builder().user("Hi").build())
                .get(10, TimeUnit.SECONDS).content());
    }

    @Test
    void listsModels() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body(
                "{\"object\":\"list\",\"data\":[{\"id\":\"a\",\"object\":\"model\",\"owned_by\":\"me\"},{\"id\":\"b\"}]}")
                .build());
        assertEquals(List.of(new Model("a", "me"), new Model("b", null)), client.models().list());
        assertEquals("/v1/models", server.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath());
    }

    @Test
    void malformedJsonBodyIsMalformedResponseException() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("x-request-id", "r-9").body("{not json").build());
        var e = assertThrows(MalformedResponseException.class,
                () -> client.chat().completions().create(ChatRequest.builder().user("Hi").build(), once()));
        assertTrue(e.getMessage().startsWith(
                "POST /v1/chat/completions failed: malformed response (200, request id r-9): not a chat completion ("),
                e.getMessage());
        assertEquals("r-9", e.requestId());
        assertTrue(e.isRetryable(), "a broken body is transient, like a 5xx");
    }

    @Test
    void bodyWithoutChoicesIsMalformed() {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"id\":\"x\"}").build());
        var e = assertThrows(MalformedResponseException.class,
                () -> client.chat().completions().create(ChatRequest.builder().user("Hi").build(), once()));
        assertEquals("POST /v1/chat/completions failed: malformed response (200): no \"choices\" in '{\"id\":\"x\"}'",
                e.getMessage());
    }

    @Test
    void describeMasksCredentials() {
        String secret = "very-secret-value-42";
        String keyId = "ab12345678cd9f";
        try (ChatClient evo = ChatClient.builder().baseUrl("http://127.0.0.1:1/v1").evolution(keyId, secret)
                .tokenUrl("http://127.0.0.1:1/token").build()) {
            assertEquals("ChatClient[baseUrl=http://127.0.0.1:1/v1, auth=evolution key_id=ab…9f "
                    + "tokenUrl=http://127.0.0.1:1/token, model=<none>, maxRetries=2, maxConcurrentRequests=4096]",
                    evo.describe());
            assertEquals(evo.describe(), evo.toString());
            assertFalse(evo.describe().contains(secret));
            assertFalse(evo.describe().contains(keyId));
        }
        assertTrue(client.describe().contains("auth=api key sk…ef"), client.describe());
        assertFalse(client.describe().contains("sk-test-0123456789abcdef"));
        var builder = ChatClient.builder().apiKey("sk-test-0123456789abcdef");
        assertFalse(builder.toString().contains("sk-test-0123456789abcdef"), builder.toString());
    }

    @Test
    void fromEnvReadsEvolutionThenOpenAiSettings() {
        try (ChatClient evo = ChatClient.builder().fromEnv(Map.of(
                "EVOLUTION_KEY_ID", "key-id-0123456789", "EVOLUTION_SECRET", "s3cr3t-s3cr3t",
                "EVOLUTION_BASE_URL", "http://127.0.0.1:9/v1/", "EVOLUTION_TOKEN_URL", "http://127.0.0.1:9/t",
                "OPENAI_API_KEY", "sk-ignored-0000000000")).build()) {
            assertEquals("http://127.0.0.1:9/v1", evo.baseUrl());
            assertTrue(evo.describe().contains("auth=evolution key_id=ke…89 tokenUrl=http://127.0.0.1:9/t"),
                    evo.describe());
        }
        try (ChatClient openai = ChatClient.builder().fromEnv(Map.of("OPENAI_API_KEY", "sk-abcdefghijklmnop"))
                .build()) {
            assertEquals("https://api.openai.com/v1", openai.baseUrl());
            assertTrue(openai.describe().contains("auth=api key sk…op"), openai.describe());
        }
        try (ChatClient local = ChatClient.builder().fromEnv(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:8/v1"))
                .build()) {
            assertEquals("http://127.0.0.1:8/v1", local.baseUrl());
            assertTrue(local.describe().contains("auth=none"), local.describe());
        }
        var half = assertThrows(IllegalArgumentException.class,
                () -> ChatClient.builder().fromEnv(Map.of("EVOLUTION_KEY_ID", "k")));
        assertEquals("EVOLUTION_KEY_ID is set but EVOLUTION_SECRET is not", half.getMessage());
        var none = assertThrows(IllegalStateException.class, () -> ChatClient.builder().fromEnv(Map.of()).build());
        assertEquals("ChatClient needs a base URL: call baseUrl(...) or set EVOLUTION_BASE_URL / OPENAI_BASE_URL "
                + "and use fromEnv()", none.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> ChatClient.builder().baseUrl("nope").build());
        assertEquals("baseUrl is not an http(s) URL: 'nope'", bad.getMessage());
    }

    @Test
    void requestBuilderValidates() {
        var e = assertThrows(IllegalStateException.class, () -> ChatRequest.builder().model("m").build());
        assertEquals("a ChatRequest needs at least one message (use .user(\"...\"))", e.getMessage());
        ChatRequest r = ChatRequest.builder().user("a").build();
        assertNull(r.model());
        assertEquals("b", r.toBuilder().model("b").build().model());
    }
}
