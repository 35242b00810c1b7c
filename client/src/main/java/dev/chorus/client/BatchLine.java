package dev.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.client.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One line of a batch's output or error file: the request's {@code custom_id} and how it ended —
 * a completion (HTTP 200), an HTTP error from the provider, or a request the batch never ran
 * ({@code batch_expired}, {@code batch_cancelled}). Also writes the input lines.
 *
 * <p>Immutable and thread-safe.
 *
 * @param customId   the id the input line gave
 * @param status     the HTTP status of the request, or 0 when it never ran
 * @param completion the answer when {@code status} is 200, else null
 * @param errorCode  the error's code ({@code rate_limit_exceeded}, {@code batch_expired}, …), or null
 * @param error      the error's message, or null
 */
public record BatchLine(String customId, int status, ChatCompletion completion, String errorCode, String error) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** True when the request was answered with a completion. */
    public boolean ok() {
        return status == 200 && completion != null;
    }

    /** True when the batch never ran the request because its completion window passed. */
    public boolean expired() {
        return "batch_expired".equals(errorCode);
    }

    /** True when the batch was cancelled before it ran the request. */
    public boolean cancelled() {
        return "batch_cancelled".equals(errorCode);
    }

    /**
     * The input line for {@code request} under {@code customId}: a POST of the chat request (with
     * {@code model} when the request names none) to {@link BatchApi#CHAT_COMPLETIONS}, without a newline.
     */
    public static String request(String customId, ChatRequest request, String model) {
        Objects.requireNonNull(customId, "customId");
        String body = new String(Json.chatRequest(request, request.model() != null ? request.model() : model, false),
                StandardCharsets.UTF_8);
        try {
            return "{\"custom_id\":" + MAPPER.writeValueAsString(customId) + ",\"method\":\"POST\",\"url\":\""
                    + BatchApi.CHAT_COMPLETIONS + "\",\"body\":" + body + "}";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads one line of an output or error file.
     *
     * @throws MalformedResponseException when it is not such a line
     */
    public static BatchLine parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.path("custom_id").isTextual()) {
            throw new MalformedResponseException("a batch output line without custom_id: "
                    + (line.length() > 80 ? line.substring(0, 80) + "…" : line), 200, null, null, false, null);
        }
        String id = n.get("custom_id").asText();
        JsonNode response = n.path("response");
        JsonNode error = n.path("error");
        if (response.isObject()) {
            int status = response.path("status_code").asInt();
            String requestId = response.path("request_id").asText(null);
            JsonNode body = response.path("body");
            if (status == 200) {
                return new BatchLine(id, status, Json.completion("batch line " + id, body, requestId, 1), null, null);
            }
            JsonNode e = body.path("error");
            return new BatchLine(id, status, null, e.path("code").asText(null),
                    e.path("message").asText("HTTP " + status));
        }
        return new BatchLine(id, 0, null, error.path("code").asText(null), error.path("message").asText("not run"));
    }
}
