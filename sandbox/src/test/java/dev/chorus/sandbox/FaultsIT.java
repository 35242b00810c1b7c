package dev.chorus.sandbox;

import static dev.chorus.sandbox.ChatCompletionsIT.assertError;
import static dev.chorus.sandbox.Wire.STATIC_KEY;
import static dev.chorus.sandbox.Wire.chat;
import static dev.chorus.sandbox.Wire.json;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultsIT {

    static HttpResponse<String> chatWith(Sandbox sb, String fault) {
        return post(sb.baseUrl() + "/chat/completions", chat("x"),
                "Authorization", "Bearer sk-test", "X-Sandbox-Fault", fault);
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().retryAfter(Duration.ofMillis(1500)).build())) {
            HttpResponse<String> r = chatWith(sb, "429");
            assertError(r, 429, "rate_limit_error", null,
                    "Rate limit reached (sandbox fault injection): retry after 2 s.");
            assertEquals("2", r.headers().firstValue("retry-after").orElseThrow());
            assertEquals("1500", r.headers().firstValue("retry-after-ms").orElseThrow());
            assertEquals(1, sb.stats().faults(Fault.RATE_LIMIT_429));
        }
    }

    @Test
    void serverErrors() {
        try (Sandbox sb = Sandbox.start()) {
            assertError(chatWith(sb, "500"), 500, "server_error", null,
                    "The server had an error while processing your request (sandbox fault injection).");
            assertError(chatWith(sb, "503"), 503, "server_error", null,
                    "The server is overloaded or not ready yet (sandbox fault injection).");
            assertEquals(2, sb.stats().faultsInjected());
        }
    }

    @Test
    void malformedBodyIsA200ThatDoesNotParse() {
        try (Sandbox sb = Sandbox.start()) {
            HttpResponse<String> r = chatWith(sb, "malformed");
            assertEquals(200, r.statusCode());
            assertThrows(JsonProcessingException.class, () -> Wire.JSON.readTree(r.body()));

            HttpResponse<String> s = post(sb.baseUrl() + "/chat/completions", chat("x", "\"stream\":true"),
                    "Authorization", "Bearer sk-test", "X-Sandbox-Fault", "malformed");
            assertEquals(200, s.statusCode());
            String data = s.body().split("\n\n")[0].substring("data: ".length());
            assertThrows(JsonProcessingException.class, () -> Wire.JSON.readTree(data));
        }
    }

    @Test
    void droppedConnectionIsAnIoErrorForTheClient() {
        try (Sandbox sb = Sandbox.start()) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> chatWith(sb, "drop"));
            assertTrue(e.getCause() instanceof IOException);
            assertThrows(UncheckedIOException.class, () -> post(sb.baseUrl() + "/chat/completions",
                    chat("one two three four", "\"stream\":true"), "Authorization", "Bearer sk-test", "X-Sandbox-Fault", "drop"));
            assertThrows(UncheckedIOException.class, () -> Wire.get(sb.rootUrl() + "/get", "X-Sandbox-Fault", "drop"));
            assertEquals(3, sb.stats().faults(Fault.DROP_CONNECTION));
            // The server itself is fine afterwards.
            assertEquals(200, post(sb.baseUrl() + "/chat/completions", chat("x"), STATIC_KEY).statusCode());
        }
    }

    @Test
    void hangHoldsTheRequestPastTheClientTimeout() throws Exception {
        try (Sandbox sb = Sandbox.start()) {
            HttpRequest req = Wire.request(sb.baseUrl() + "/chat/completions", "Authorization", "Bearer sk-test",
                            "X-Sandbox-Fault", "hang")
                    .timeout(Duration.ofMillis(300))
                    .POST(HttpRequest.BodyPublishers.ofString(chat("x"))).build();
            assertThrows(HttpTimeoutException.class,
                    () -> Wire.CLIENT.send(req, HttpResponse.BodyHandlers.ofString()));
            assertEquals(1, sb.stats().faults(Fault.HANG));
        }
    }

    @Test
    void hangEndsAtTheHangLimitWithAClosedConnection() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().hangLimit(Duration.ofMillis(200)).build())) {
            assertThrows(UncheckedIOException.class, () -> chatWith(sb, "hang"));
            assertEquals(0, sb.stats().inFlight());
        }
    }

    @Test
    void headerNoneSuppressesRandomFaultsAndBadHeadersAre400() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().failRate(1).faults(Fault.SERVER_500).build())) {
            assertEquals(500, post(sb.baseUrl() + "/chat/completions", chat("x"), STATIC_KEY).statusCode());
            assertEquals(200, chatWith(sb, "none").statusCode());
            assertError(chatWith(sb, "teapot"), 400, "invalid_request_error", null,
                    "Invalid X-Sandbox-Fault header: 'teapot' (expected one of 429, 500, 503, hang, malformed, drop, invalid-json, none)");
            assertError(post(sb.baseUrl() + "/chat/completions", chat("x"), "Authorization", "Bearer sk-test",
                            "X-Sandbox-Latency", "soon"), 400, "invalid_request_error", null,
                    "Invalid X-Sandbox-Latency header: 'soon' is not a duration (expected e.g. 250ms, 1.5s, 2m)");
            assertError(post(sb.baseUrl() + "/chat/completions", chat("x"), "Authorization", "Bearer sk-test",
                            "X-Sandbox-Chunk-Delay", "-1s"), 400, "invalid_request_error", null,
                    "Invalid X-Sandbox-Chunk-Delay header: '-1s' is not a duration (expected e.g. 250ms, 1.5s, 2m)");
        }
    }

    @Test
    void latencyHeaderDelaysButStillAnswers() {
        try (Sandbox sb = Sandbox.start()) {
            HttpResponse<String> r = post(sb.baseUrl() + "/chat/completions", chat("slow"),
                    "Authorization", "Bearer sk-test", "X-Sandbox-Latency", "50ms");
            assertEquals("Echo: slow", json(r).at("/choices/0/message/content").asText());
            assertEquals(200, Wire.get(sb.rootUrl() + "/get", "X-Sandbox-Latency", "20ms").statusCode());
        }
    }

    static List<Integer> statuses(Behavior behavior, int n) {
        try (Sandbox sb = Sandbox.start(behavior)) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(post(sb.baseUrl() + "/chat/completions", chat("x"), STATIC_KEY).statusCode());
            }
            return out;
        }
    }

    @Test
    void sameSeedSameFaults() {
        Behavior b = Behavior.builder().seed(42).failRate(0.5)
                .faults(Fault.RATE_LIMIT_429, Fault.SERVER_500, Fault.UNAVAILABLE_503).build();
        List<Integer> first = statuses(b, 60);
        assertEquals(first, statuses(b, 60));
        assertTrue(first.contains(200) && first.contains(429) && first.contains(500) && first.contains(503), first.toString());
        assertNotEquals(first, statuses(b.toBuilder().seed(43).build(), 60));
    }

    @Test
    void failRateHoldsOverAThousandRequests() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().seed(7).failRate(0.2).faults(Fault.SERVER_500).build())) {
            int failures = 0;
            for (int i = 0; i < 1000; i++) {
                int status = post(sb.baseUrl() + "/chat/completions", chat("x"), STATIC_KEY).statusCode();
                assertTrue(status == 200 || status == 500);
                if (status == 500) {
                    failures++;
                }
            }
            // Binomial(1000, 0.2): mean 200, standard deviation about 12.6; 5 sigma either side.
            assertTrue(failures > 137 && failures < 263, "failures: " + failures);
            assertEquals(failures, sb.stats().faults(Fault.SERVER_500));
            assertEquals(1000, sb.stats().requests("chat"));
        }
    }

    @Test
    void randomFaultsSpareTheNonOpenAiRoutes() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().failRate(1).build())) {
            assertEquals(200, Wire.get(sb.rootUrl() + "/get").statusCode());
            assertEquals(200, post(sb.tokenUrl(), AuthIT.credentials(sb.keyId(), sb.secret())).statusCode());
            assertFalse(sb.stats().faultsInjected() > 0);
        }
    }
}
