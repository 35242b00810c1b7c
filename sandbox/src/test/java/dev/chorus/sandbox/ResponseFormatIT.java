package dev.chorus.sandbox;

import static dev.chorus.sandbox.Wire.STATIC_KEY;
import static dev.chorus.sandbox.Wire.chat;
import static dev.chorus.sandbox.Wire.json;
import static dev.chorus.sandbox.Wire.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** response_format over the wire: json_schema, json_object, the invalid-json fault and the refusal switch. */
class ResponseFormatIT {
    private static final String SCHEMA = "{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"required\":[\"label\",\"score\",\"ok\",\"tags\"],\"properties\":{"
            + "\"label\":{\"type\":\"string\",\"enum\":[\"spam\",\"ham\"]},"
            + "\"score\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},"
            + "\"ok\":{\"type\":\"boolean\"},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":2}}}";
    private static final String JSON_SCHEMA = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
            + "{\"name\":\"mail\",\"strict\":true,\"schema\":" + SCHEMA + "}}";


    private static String text(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return json(r).at("/choices/0/message/content").asText();
    }

    @Test
    void jsonSchemaGetsAConformingDocumentDerivedFromThePrompt() throws Exception {
        try (Sandbox s = Sandbox.start()) {
            String url = s.baseUrl() + "/chat/completions";
            JsonNode doc = Wire.JSON.readTree(text(post(url, chat("win a free cruise now", JSON_SCHEMA), STATIC_KEY)));
            assertTrue(doc.get("label").asText().matches("spam|ham"), doc.toString());
            int score = doc.get("score").asInt();
            assertTrue(score >= 1 && score <= 5, doc.toString());
            assertTrue(doc.get("ok").isBoolean());
            assertTrue(doc.get("tags").size() >= 1 && doc.get("tags").size() <= 2, doc.toString());
            for (JsonNode tag : doc.get("tags")) {
                assertTrue(tag.asText().matches("[a-z ]+"), doc.toString());
            }
            assertEquals(4, doc.size(), "no other fields: " + doc);
            assertEquals(doc.toString(), text(post(url, chat("win a free cruise now", JSON_SCHEMA), STATIC_KEY)),
                    "the same prompt, the same document");
            assertNotEquals(doc.toString(), text(post(url, chat("lunch at noon?", JSON_SCHEMA), STATIC_KEY)));
        }
    }

    @Test
    void jsonObjectFollowsASchemaInTheSystemMessageOrEchoes() throws Exception {
        try (Sandbox s = Sandbox.start()) {
            String url = s.baseUrl() + "/chat/completions";
            JsonNode echo = Wire.JSON.readTree(text(post(url, chat("hello", "\"response_format\":{\"type\":\"json_object\"}"),
                    STATIC_KEY)));
            assertEquals("{\"echo\":\"hello\"}", echo.toString());
            String body = "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":["
                    + "{\"role\":\"system\",\"content\":" + Wire.quote("Answer with JSON for this schema:\n" + SCHEMA) + "},"
                    + "{\"role\":\"user\",\"content\":\"win a free cruise now\"}]}";
            JsonNode doc = Wire.JSON.readTree(text(post(url, body, STATIC_KEY)));
            assertEquals(Wire.JSON.readTree(text(post(url, chat("win a free cruise now", JSON_SCHEMA), STATIC_KEY))), doc);
        }
    }

    @Test
    void badFormatsAndTheRefusalSwitchAre400sNamingResponseFormat() {
        try (Sandbox s = Sandbox.start()) {
            String url = s.baseUrl() + "/chat/completions";
            HttpResponse<String> bad = post(url, chat("x", "\"response_format\":{\"type\":\"yaml\"}"), STATIC_KEY);
            assertEquals(400, bad.statusCode());
            assertEquals("response_format", json(bad).at("/error/param").asText());
        }
        try (Sandbox s = Sandbox.start(Behavior.builder().jsonSchema(false).build())) {
            String url = s.baseUrl() + "/chat/completions";
            HttpResponse<String> refused = post(url, chat("x", JSON_SCHEMA), STATIC_KEY);
            assertEquals(400, refused.statusCode());
            assertEquals("response_format", json(refused).at("/error/param").asText());
            assertTrue(json(refused).at("/error/message").asText().contains("json_schema"));
            assertEquals(200, post(url, chat("x", "\"response_format\":{\"type\":\"json_object\"}"), STATIC_KEY).statusCode());
        }
    }

    @Test
    void theInvalidJsonFaultBreaksTheFormat() {
        try (Sandbox s = Sandbox.start()) {
            String url = s.baseUrl() + "/chat/completions";
            int notJson = 0;
            int wrong = 0;
            for (int i = 0; i < 20; i++) {
                String t = text(post(url, chat("prompt number " + i, JSON_SCHEMA), "Authorization", "Bearer sk-test",
                        "X-Sandbox-Fault", "invalid-json"));
                JsonNode doc;
                try {
                    doc = Wire.JSON.readTree(t);
                } catch (Exception e) {
                    notJson++;
                    continue;
                }
                assertTrue(doc.size() < 4 || !doc.get("label").asText().matches("spam|ham"), "broken: " + t);
                wrong++;
            }
            assertTrue(notJson > 0 && wrong > 0, notJson + " not JSON, " + wrong + " wrong");
            String plain = text(post(url, chat("hi"), "Authorization", "Bearer sk-test", "X-Sandbox-Fault", "invalid-json"));
            assertThrows(Exception.class, () -> Wire.JSON.readTree(plain));
            assertEquals(21, s.stats().faults(Fault.INVALID_JSON));
        }
    }
}
