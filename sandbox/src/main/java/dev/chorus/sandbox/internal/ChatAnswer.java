package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic answer to a chat completion request.
 *
 * <p>The rule: {@code content = "Echo: " + text of the last user message} ({@code ""} when there
 * is none). With {@code max_tokens} (or {@code max_completion_tokens}) N and more than N words
 * in it, the content becomes its first N words joined by single spaces and
 * {@code finish_reason} is {@code "length"}; otherwise the content is kept as is and
 * {@code finish_reason} is {@code "stop"}. A word is a maximal run of non-whitespace;
 * {@code prompt_tokens} is the number of words of all messages' texts, {@code completion_tokens}
 * the number of words of the content. A message's text is its {@code content} string, or the
 * {@code text} parts of a content array joined by {@code "\n"}. Immutable.
 */
record ChatAnswer(String model, String content, String finishReason, int promptTokens,
                  int completionTokens, boolean stream) {

    static final String PREFIX = "Echo: ";
    private static final Pattern PIECE = Pattern.compile("\\s*\\S+");

    /** @throws ApiError 400 for a body that is not a valid chat completion request */
    static ChatAnswer of(byte[] body) {
        return of(body, false, true);
    }

    /**
     * The answer, with a {@code response_format} honoured (see {@link StructuredAnswer}).
     *
     * @param broken     answer with content that breaks the requested format (the invalid-json fault)
     * @param jsonSchema whether json_schema is accepted; when not, such a request is refused with a 400
     * @throws ApiError 400 for a body that is not a valid chat completion request
     */
    static ChatAnswer of(byte[] body, boolean broken, boolean jsonSchema) {
        JsonNode root = Json.parseOrNull(body);
        if (root == null || !root.isObject()) {
            throw ApiError.invalid(null, "The request body must be a JSON object with 'model' and 'messages'.");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw ApiError.invalid("model", "you must provide a model parameter");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array");
        }
        int promptTokens = 0;
        String lastUser = "";
        String firstUser = null;
        List<String> systemTexts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            if (!m.isObject() || role == null || !role.isTextual()) {
                throw ApiError.invalid("messages[" + i + "]", "messages[" + i + "] must be an object with a 'role'");
            }
            String text = text(m.get("content"), i);
            promptTokens += words(text);
            if (role.asText().equals("user")) {
                lastUser = text;
                if (firstUser == null) {
                    firstUser = text;
                }
            } else if (role.asText().equals("system")) {
                systemTexts.add(text);
            }
        }
        Integer max = maxTokens(root, "max_tokens");
        if (max == null) {
            max = maxTokens(root, "max_completion_tokens");
        }
        JsonNode streamNode = root.get("stream");
        if (streamNode != null && !streamNode.isNull() && !streamNode.isBoolean()) {
            throw ApiError.invalid("stream", "'stream' must be a boolean");
        }
        boolean stream = streamNode != null && streamNode.asBoolean();

        JsonNode format = root.get("response_format");
        String content;
        if (format != null && !format.isNull() && !format.path("type").asText("text").equals("text")) {
            String type = format.path("type").asText("");
            if (!type.equals("json_schema") && !type.equals("json_object")) {
                throw ApiError.invalid("response_format",
                        "Invalid value for 'response_format.type': expected one of 'text', 'json_object', 'json_schema'.");
            }
            if (type.equals("json_schema") && !jsonSchema) {
                throw ApiError.invalid("response_format",
                        "Invalid parameter: 'response_format' of type 'json_schema' is not supported by this server.");
            }
            if (type.equals("json_schema") && !format.path("json_schema").path("schema").isObject()) {
                throw ApiError.invalid("response_format.json_schema.schema",
                        "'response_format.json_schema.schema' must be a JSON Schema object.");
            }
            // From the first user message: the task. A re-ask that follows an invalid answer gets the
            // document the task calls for, as a model that mends its answer would give.
            String task = firstUser == null ? "" : firstUser;
            JsonNode schema = StructuredAnswer.schemaOf(format, systemTexts);
            content = broken ? StructuredAnswer.broken(schema, task) : StructuredAnswer.content(schema, task);
        } else {
            content = broken ? "Sure! Here is what you asked for: {" : PREFIX + lastUser;
        }
        String finish = "stop";
        if (max != null && words(content) > max) {
            content = firstWords(content, max);
            finish = "length";
        }
        return new ChatAnswer(model.asText(), content, finish, promptTokens, words(content), stream);
    }

    private static Integer maxTokens(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw ApiError.invalid(name, "'" + name + "' must be a positive integer, was " + n);
        }
        return n.asInt();
    }

    private static String text(JsonNode content, int index) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode part : content) {
                JsonNode t = part.get("text");
                if (t != null && t.isTextual()) {
                    parts.add(t.asText());
                }
            }
            return String.join("\n", parts);
        }
        throw ApiError.invalid("messages[" + index + "].content",
                "messages[" + index + "].content must be a string or an array of parts");
    }

    /** The first {@code n} words of {@code s} joined by single spaces. */
    static String firstWords(String s, int n) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        int taken = 0;
        while (taken < n) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            if (taken > 0) {
                sb.append(' ');
            }
            sb.append(s, start, i);
            taken++;
        }
        return sb.toString();
    }

    /** The number of maximal runs of non-whitespace in {@code s}. */
    static int words(String s) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !inWord) {
                n++;
            }
            inWord = !ws;
        }
        return n;
    }

    /**
     * The streamed pieces: each word with the whitespace before it; trailing whitespace joins
     * the last piece. Their concatenation is exactly {@link #content()}.
     */
    List<String> pieces() {
        List<String> out = new ArrayList<>();
        Matcher m = PIECE.matcher(content);
        int end = 0;
        while (m.find()) {
            out.add(m.group());
            end = m.end();
        }
        if (end < content.length()) {
            if (out.isEmpty()) {
                out.add(content.substring(end));
            } else {
                out.set(out.size() - 1, out.get(out.size() - 1) + content.substring(end));
            }
        }
        return out;
    }

    byte[] completionJson(String id, long created) {
        // Written with the streaming generator rather than a tree: this is the hot path.
        ByteArrayBuilder out = new ByteArrayBuilder(256 + content.length());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", content);
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("completion_tokens", completionTokens);
            g.writeNumberField("total_tokens", promptTokens + completionTokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void usage(ObjectNode root) {
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
    }

    /**
     * The SSE events ({@code "data: …\n\n"}): a role chunk, one chunk per piece, a final chunk
     * with {@code finish_reason} and {@code usage}, then {@code data: [DONE]}.
     */
    List<String> sseEvents(String id, long created) {
        List<String> events = new ArrayList<>();
        ObjectNode first = chunk(id, created);
        ObjectNode d0 = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
        d0.put("role", "assistant");
        d0.put("content", "");
        ((ObjectNode) first.get("choices").get(0)).putNull("finish_reason");
        events.add(event(first));
        for (String piece : pieces()) {
            ObjectNode c = chunk(id, created);
            ObjectNode choice = (ObjectNode) c.get("choices").get(0);
            choice.putObject("delta").put("content", piece);
            choice.putNull("finish_reason");
            events.add(event(c));
        }
        ObjectNode last = chunk(id, created);
        ObjectNode choice = (ObjectNode) last.get("choices").get(0);
        choice.putObject("delta");
        choice.put("finish_reason", finishReason);
        usage(last);
        events.add(event(last));
        events.add("data: [DONE]\n\n");
        return events;
    }

    private ObjectNode chunk(String id, long created) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        c.putArray("choices").addObject().put("index", 0);
        return c;
    }

    private static String event(ObjectNode chunk) {
        return "data: " + Json.string(chunk) + "\n\n";
    }
}
