package dev.chorus.sandbox;

import static dev.chorus.sandbox.ChatCompletionsIT.assertError;
import static dev.chorus.sandbox.Wire.chat;
import static dev.chorus.sandbox.Wire.json;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthIT {

    static String credentials(String keyId, String secret) {
        return "{\"keyId\":" + Wire.quote(keyId) + ",\"secret\":" + Wire.quote(secret) + "}";
    }

    @Test
    void issuedTokenOpensTheChatRoute() {
        try (Sandbox sb = Sandbox.start()) {
            assertEquals("sandbox-key-id", sb.keyId());
            assertEquals("sandbox-secret", sb.secret());
            HttpResponse<String> r = post(sb.tokenUrl(), credentials(sb.keyId(), sb.secret()));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode t = json(r);
            assertEquals("Bearer", t.get("token_type").asText());
            assertEquals(3600, t.get("expires_in").asLong());
            assertEquals(3600, t.get("refresh_expires_in").asLong());
            String token = t.get("access_token").asText();
            assertFalse(token.isEmpty());

            HttpResponse<String> ok = post(sb.baseUrl() + "/chat/completions", chat("hi"), "Authorization", "Bearer " + token);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(200, Wire.get(sb.baseUrl() + "/models", "Authorization", "Bearer " + token).statusCode());
            assertEquals(1, sb.stats().tokensIssued());
            assertEquals(1, sb.stats().requests("token"));
        }
    }

    @Test
    void wrongCredentialsAndBadBodiesAreRejected() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().credentials("my-id", "my-secret").build())) {
            assertError(post(sb.tokenUrl(), credentials("my-id", "wrong")), 401, "invalid_request_error", null,
                    "Invalid keyId or secret.");
            assertError(post(sb.tokenUrl(), credentials("other", "my-secret")), 401, "invalid_request_error", null,
                    "Invalid keyId or secret.");
            assertError(post(sb.tokenUrl(), "{\"key_id\":\"my-id\"}"), 400, "invalid_request_error", null,
                    "The request body must be JSON {\"keyId\": \"…\", \"secret\": \"…\"}.");
            assertError(Wire.get(sb.tokenUrl()), 405, "invalid_request_error", null,
                    "Method GET is not allowed on /api/v1/auth/token (use POST)");
            assertEquals(200, post(sb.tokenUrl(), credentials("my-id", "my-secret")).statusCode());
            assertEquals(1, sb.stats().tokensIssued());
        }
    }

    @Test
    void chatWithoutValidTokenIsUnauthorized() {
        try (Sandbox sb = Sandbox.start()) {
            String url = sb.baseUrl() + "/chat/completions";
            String missing = "Missing bearer token: send 'Authorization: Bearer <token>' with an access token "
                    + "from /api/v1/auth/token or a static key starting with 'sk-'.";
            assertError(post(url, chat("x")), 401, "invalid_request_error", null, missing);
            assertError(post(url, chat("x"), "Authorization", "Basic abc"), 401, "invalid_request_error", null, missing);
            assertError(Wire.get(sb.baseUrl() + "/models"), 401, "invalid_request_error", null, missing);
            HttpResponse<String> unknown = post(url, chat("x"), "Authorization", "Bearer not-a-token");
            assertError(unknown, 401, "invalid_request_error", null, "Invalid bearer token: neither an access "
                    + "token issued by /api/v1/auth/token nor a static key starting with 'sk-'.");
            assertFalse(unknown.body().contains("not-a-token"), "the token must not be echoed");
            assertError(post(url, chat("x"), "Authorization", "Bearer sk-"), 401, "invalid_request_error", null,
                    "Invalid bearer token: neither an access token issued by /api/v1/auth/token nor a static "
                            + "key starting with 'sk-'.");
        }
    }

    @Test
    void staticKeysStartingWithSkAreAccepted() {
        try (Sandbox sb = Sandbox.start()) {
            HttpResponse<String> r = post(sb.baseUrl() + "/chat/completions", chat("x"), "Authorization", "Bearer sk-anything");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(0, sb.stats().tokensIssued());
        }
    }

    @Test
    void expiredTokenIsRejectedAndANewOneWorks() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().tokenLifetime(Duration.ZERO).build())) {
            JsonNode t = json(post(sb.tokenUrl(), credentials(sb.keyId(), sb.secret())));
            assertEquals(0, t.get("expires_in").asLong());
            assertError(post(sb.baseUrl() + "/chat/completions", chat("x"),
                            "Authorization", "Bearer " + t.get("access_token").asText()),
                    401, "invalid_request_error", null,
                    "The access token has expired: request a new one from /api/v1/auth/token.");

            sb.behavior(sb.behavior().toBuilder().tokenLifetime(Duration.ofMinutes(5)).build());
            JsonNode fresh = json(post(sb.tokenUrl(), credentials(sb.keyId(), sb.secret())));
            assertEquals(300, fresh.get("expires_in").asLong());
            assertEquals(200, post(sb.baseUrl() + "/chat/completions", chat("x"),
                    "Authorization", "Bearer " + fresh.get("access_token").asText()).statusCode());
            assertEquals(2, sb.stats().tokensIssued());
        }
    }

    @Test
    void authCanBeTurnedOff() {
        try (Sandbox sb = Sandbox.start(Behavior.builder().requireAuth(false).build())) {
            HttpResponse<String> r = post(sb.baseUrl() + "/chat/completions", chat("open"));
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("Echo: open"));
        }
    }
}
