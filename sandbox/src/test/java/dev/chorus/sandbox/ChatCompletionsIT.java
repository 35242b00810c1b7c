package dev.chorus.sandbox;

import static dev.chorus.sandbox.Wire.STATIC_KEY;
import static dev.chorus.sandbox.Wire.chat;
import static dev.chorus.sandbox.Wire.json;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatCompletionsIT {

    static Sandbox sandbox;
    static String url;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        url = sandbox.baseUrl() + "/chat/completions";
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void answersEchoOfTheLastUserMessageWithWordCountUsage() {
        String body = "{\"model\":\"sandbox-small\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":\"first question\"},"
                + "{\"role\":\"assistant\",\"content\":\"Echo: first question\"},"
                + "{\"role\":\"user\",\"content\":\"Name three primes.\"}]}";
        HttpResponse<String> r = post(url, body, STATIC_KEY);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        String requestId = r.headers().firstValue("x-request-id").orElseThrow();
        JsonNode j = json(r);
        assertEquals("chatcmpl-" + requestId, j.get("id").asText());
        assertEquals("chat.completion", j.get("object").asText());
        assertTrue(j.get("created").asLong() > 1_600_000_000L);
        assertEquals("sandbox-small", j.get("model").asText());
        JsonNode choice = j.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals("Echo: Name three primes.", choice.get("message").get("content").asText());
        assertEquals("stop", choice.get("finish_reason").asText());
        // 2 + 2 + 3 + 3 words in the messages; "Echo: Name three primes." has 4.
        assertEquals(10, j.get("usage").get("prompt_tokens").asInt());
        assertEquals(4, j.get("usage").get("completion_tokens").asInt());
        assertEquals(14, j.get("usage").get("total_tokens").asInt());
    }

    @Test
    void maxTokensTruncatesToWordsWithFinishReasonLength() {
        JsonNode j = json(post(url, chat("one  two\tthree four", "\"max_tokens\":3"), STATIC_KEY));
        assertEquals("Echo: one two", j.at("/choices/0/message/content").asText());
        assertEquals("length", j.at("/choices/0/finish_reason").asText());
        assertEquals(3, j.at("/usage/completion_tokens").asInt());

        JsonNode enough = json(post(url, chat("one  two", "\"max_completion_tokens\":3"), STATIC_KEY));
        assertEquals("Echo: one  two", enough.at("/choices/0/message/content").asText());
        assertEquals("stop", enough.at("/choices/0/finish_reason").asText());
    }

    @Test
    void contentPartsAreJoinedWithNewlines() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"a b\"},{\"type\":\"text\",\"text\":\"c\"}]}]}";
        JsonNode j = json(post(url, body, STATIC_KEY));
        assertEquals("Echo: a b\nc", j.at("/choices/0/message/content").asText());
        assertEquals(3, j.at("/usage/prompt_tokens").asInt());
    }

    @Test
    void noUserMessageAnswersThePrefixAlone() {
        JsonNode j = json(post(url, "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", STATIC_KEY));
        assertEquals("Echo: ", j.at("/choices/0/message/content").asText());
    }

    @Test
    void badRequestsGetOpenAiErrorJson() {
        assertError(post(url, "not json", STATIC_KEY), 400, "invalid_request_error", null,
                "The request body must be a JSON object with 'model' and 'messages'.");
        assertError(post(url, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", STATIC_KEY), 400,
                "invalid_request_error", "model", "you must provide a model parameter");
        assertError(post(url, "{\"model\":\"m\",\"messages\":[]}", STATIC_KEY), 400,
                "invalid_request_error", "messages", "'messages' must be a non-empty array");
        assertError(post(url, "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", STATIC_KEY), 400,
                "invalid_request_error", "messages[0]", "messages[0] must be an object with a 'role'");
        assertError(post(url, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", STATIC_KEY), 400,
                "invalid_request_error", "messages[0].content",
                "messages[0].content must be a string or an array of parts");
        assertError(post(url, chat("x", "\"max_tokens\":0"), STATIC_KEY), 400, "invalid_request_error",
                "max_tokens", "'max_tokens' must be a positive integer, was 0");
        assertError(post(url, chat("x", "\"stream\":\"yes\""), STATIC_KEY), 400, "invalid_request_error",
                "stream", "'stream' must be a boolean");
        assertError(Wire.get(url, STATIC_KEY), 405, "invalid_request_error", null,
                "Method GET is not allowed on /v1/chat/completions (use POST)");
    }

    static void assertError(HttpResponse<String> r, int status, String type, String param, String message) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = json(r).get("error");
        assertEquals(message, e.get("message").asText());
        assertEquals(type, e.get("type").asText());
        if (param == null) {
            assertTrue(e.get("param").isNull());
        } else {
            assertEquals(param, e.get("param").asText());
        }
        assertTrue(e.get("code").isTextual());
    }

    @Test
    void modelsListsTheSandboxModels() {
        JsonNode j = json(Wire.get(sandbox.baseUrl() + "/models", STATIC_KEY));
        assertEquals("list", j.get("object").asText());
        List<String> ids = new ArrayList<>();
        j.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(List.of("sandbox-echo", "sandbox-small", "default"), ids);
        assertEquals("model", j.at("/data/0/object").asText());
    }

    @Test
    void streamingSendsDataLinesUsageInTheLastChunkAndDone() throws Exception {
        HttpResponse<String> r = post(url, chat("hello  big\nworld", "\"stream\":true"), STATIC_KEY);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        String id = "chatcmpl-" + r.headers().firstValue("x-request-id").orElseThrow();
        String[] events = r.body().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        StringBuilder text = new StringBuilder();
        List<JsonNode> chunks = new ArrayList<>();
        for (int i = 0; i < events.length - 1; i++) {
            assertTrue(events[i].startsWith("data: "), events[i]);
            chunks.add(Wire.JSON.readTree(events[i].substring(6)));
        }
        // role chunk, "Echo:", " hello", "  big", "\nworld", final chunk
        assertEquals(6, chunks.size());
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        for (JsonNode c : chunks) {
            assertEquals(id, c.get("id").asText());
            assertEquals("chat.completion.chunk", c.get("object").asText());
            text.append(c.at("/choices/0/delta/content").asText(""));
        }
        assertEquals("Echo: hello  big\nworld", text.toString());
        assertEquals(List.of("Echo:", " hello", "  big", "\nworld"),
                chunks.subList(1, 5).stream().map(c -> c.at("/choices/0/delta/content").asText()).toList());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertEquals(3, last.at("/usage/prompt_tokens").asInt());
        assertEquals(4, last.at("/usage/completion_tokens").asInt());
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertTrue(chunks.get(i).at("/choices/0/finish_reason").isNull());
            assertFalse(chunks.get(i).has("usage"));
        }
    }

    @Test
    void pacedStreamArrivesChunkByChunk() throws Exception {
        HttpRequest req = Wire.request(url, STATIC_KEY)
                .header("X-Sandbox-Chunk-Delay", "300ms")
                .POST(HttpRequest.BodyPublishers.ofString(chat("a b c", "\"stream\":true"))).build();
        HttpResponse<InputStream> r = Wire.CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            assertTrue(first.startsWith("data: ") && first.contains("\"role\":\"assistant\""), first);
            // The first chunk has arrived while the rest is still being paced out by the server.
            assertEquals(1, sandbox.stats().inFlight());
            List<String> rest = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isEmpty()) {
                    rest.add(line);
                }
            }
            assertEquals(6, rest.size());
            assertEquals("data: [DONE]", rest.get(rest.size() - 1));
        }
    }
}
