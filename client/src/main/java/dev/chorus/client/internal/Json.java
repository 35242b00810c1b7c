package dev.chorus.client.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.chorus.client.Batch;
import dev.chorus.client.BatchPage;
import dev.chorus.client.ChatChunk;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.Choice;
import dev.chorus.client.FileObject;
import dev.chorus.client.Message;
import dev.chorus.client.Model;
import dev.chorus.client.ServerException;
import dev.chorus.client.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON wire format of the OpenAI chat API: writes requests, reads completions, chunks, model
 * lists, IAM tokens and error bodies. Unknown fields are ignored.
 *
 * <p>Stateless and thread-safe. Requests, completions and stream chunks go through Jackson's
 * streaming parser and generator alone: data binding ({@link ObjectMapper}) loads some 400 classes
 * on first use, which a cold JVM paid inside its first request. The mapper is built on first need
 * (model lists, tokens, error bodies, a request's extra fields). Unparseable bodies raise
 * {@link dev.chorus.client.MalformedResponseException} naming the call.
 */
public final class Json {
    // Jackson's default buffer recycling is per thread, and every fan-out item runs on a fresh
    // virtual thread: without a shared pool each request allocates its buffers anew (tens of KB).
    static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();

    /** Data binding, built on first use (class initialisation of this holder). */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper(FACTORY.copy())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    private static final Set<String> OWN_FIELDS =
            Set.of("model", "messages", "max_tokens", "temperature", "top_p", "stop", "stream", "stream_options");

    private Json() {
    }

    record WireMessage(String role, String content) {
    }

    record WireUsage(@JsonProperty("prompt_tokens") int promptTokens,
                     @JsonProperty("completion_tokens") int completionTokens,
                     @JsonProperty("total_tokens") int totalTokens) {
        Usage toUsage() {
            return new Usage(promptTokens, completionTokens, totalTokens);
        }
    }

    record WireChoice(int index, WireMessage message, WireMessage delta,
                      @JsonProperty("finish_reason") String finishReason) {
    }

    record WireCompletion(String id, String model, List<WireChoice> choices, WireUsage usage, JsonNode error) {
    }

    record WireModel(String id, @JsonProperty("owned_by") String ownedBy) {
    }

    record WireModels(List<WireModel> data) {
    }

    /** An IAM token and its lifetime in seconds (0 when the server gave none). */
    public record Token(@JsonProperty("access_token") String accessToken,
                        @JsonProperty("expires_in") long expiresIn) {
        @Override
        public String toString() {
            return "Token[expiresIn=" + expiresIn + "]";
        }
    }

    /** The request body for {@code POST /chat/completions}. */
    public static byte[] chatRequest(ChatRequest r, String model, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeChatRequest(g, r, model, stream);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the chat request", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes input lines of a batch to a stream, which stays open: each line the {@code custom_id}, a
     * POST to {@code url} and the chat request as its body, then a newline, flushed to the stream.
     * One generator serves every line (a million lines come through here). Not thread-safe.
     */
    public static final class BatchLineWriter implements java.io.Closeable {
        private final JsonGenerator g;

        public BatchLineWriter(OutputStream out) {
            try {
                // Each line is flushed into the stream, not through it: a file stream is flushed by its owner.
                g = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                        .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            g.setRootValueSeparator(null);
        }

        public void write(String customId, String url, ChatRequest r, String model) {
            try {
                g.writeStartObject();
                g.writeStringField("custom_id", customId);
                g.writeStringField("method", "POST");
                g.writeStringField("url", url);
                g.writeFieldName("body");
                writeChatRequest(g, r, model, false);
                g.writeEndObject();
                g.writeRaw('\n');
                g.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the batch line of " + customId, e);
            }
        }

        @Override
        public void close() {
            try {
                g.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void writeChatRequest(JsonGenerator g, ChatRequest r, String model, boolean stream) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", model);
        g.writeArrayFieldStart("messages");
        for (Message m : r.messages()) {
            g.writeStartObject();
            g.writeStringField("role", m.role());
            g.writeStringField("content", m.content());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (r.maxTokens() != null) {
            g.writeNumberField("max_tokens", r.maxTokens());
        }
        if (r.temperature() != null) {
            g.writeNumberField("temperature", r.temperature());
        }
        if (r.topP() != null) {
            g.writeNumberField("top_p", r.topP());
        }
        if (r.stop() != null) {
            g.writeArrayFieldStart("stop");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        for (var e : r.extra().entrySet()) {
            if (!OWN_FIELDS.contains(e.getKey())) {
                g.writeFieldName(e.getKey());
                Mapper.INSTANCE.writeValue(g, e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** Reads a chat completion body. */
    public static ChatCompletion completion(String call, byte[] body, String requestId, int attempts) {
        WireCompletion w;
        try {
            try (JsonParser p = FACTORY.createParser(body)) {
                w = readCompletion(p);
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.malformed(call, 200, requestId, "not a chat completion (" + shortProblem(e) + ")", e);
        }
        return completion(call, w, requestId, attempts, () -> preview(body));
    }

    /** Reads a chat completion already parsed as a tree (the body inside a batch's output line). */
    public static ChatCompletion completion(String call, JsonNode body, String requestId, int attempts) {
        WireCompletion w;
        try {
            try (JsonParser p = body.traverse()) {
                w = readCompletion(p);
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.malformed(call, 200, requestId, "not a chat completion (" + shortProblem(e) + ")", e);
        }
        return completion(call, w, requestId, attempts, () -> preview(body.toString()));
    }

    /**
     * One answered line of a batch's output file ({@code custom_id}, then a {@code response} whose
     * {@code status_code} 200 comes before its {@code body}), read with the streaming parser: a
     * million lines come through here, and a tree per line was most of what a merge allocated. Null
     * for any other line (an error, another order, a body that is not a completion), which the
     * caller reads as a tree.
     */
    public static dev.chorus.client.BatchLine answeredBatchLine(byte[] line, int length) {
        try (JsonParser p = FACTORY.createParser(line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            int status = 0;
            String requestId = null;
            WireCompletion answer = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if (field.equals("custom_id") && t == JsonToken.VALUE_STRING) {
                    id = p.getText();
                } else if (field.equals("response") && t == JsonToken.START_OBJECT) {
                    if (status != 0 || answer != null) {
                        return null; // a second "response": the tree reads it as it always did
                    }
                    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        if (f.equals("body")) {
                            if (status != 200) {
                                return null;
                            }
                            answer = readCompletion(p);
                            continue;
                        }
                        t = p.nextToken();
                        switch (f) {
                            case "status_code" -> status = number(p, t);
                            case "request_id" -> requestId = text(p, t);
                            default -> p.skipChildren();
                        }
                    }
                } else if (field.equals("error") && t != JsonToken.VALUE_NULL) {
                    return null;
                } else {
                    p.skipChildren();
                }
            }
            if (id == null || status != 200 || answer == null || answer.choices() == null || p.nextToken() != null) {
                return null;
            }
            return new dev.chorus.client.BatchLine(id, 200, completion("batch line " + id, answer, requestId, 1, () -> ""),
                    null, null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ChatCompletion completion(String call, WireCompletion w, String requestId, int attempts,
                                             java.util.function.Supplier<String> preview) {
        if (w == null || w.choices() == null) {
            throw Failures.malformed(call, 200, requestId, "no \"choices\" in " + preview.get(), null);
        }
        List<Choice> choices = new ArrayList<>(w.choices().size());
        for (WireChoice c : w.choices()) {
            WireMessage m = c.message();
            Message msg = m == null ? new Message("assistant", "")
                    : new Message(m.role() == null ? "assistant" : m.role(), m.content());
            choices.add(new Choice(c.index(), msg, c.finishReason()));
        }
        return new ChatCompletion(w.id(), w.model(), choices, w.usage() == null ? null : w.usage().toUsage(),
                requestId, attempts);
    }

    /** Reads one {@code data:} payload of a completion stream; an {@code error} payload raises ServerException. */
    public static ChatChunk chunk(String call, String data, String requestId) {
        WireCompletion w;
        try {
            try (JsonParser p = FACTORY.createParser(data)) {
                w = readCompletion(p);
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.malformed(call, 200, requestId, "bad stream event " + preview(data) + " ("
                    + shortProblem(e) + ")", e);
        }
        if (w == null) {
            throw Failures.malformed(call, 200, requestId, "bad stream event " + preview(data), null);
        }
        if (w.error() != null && !w.error().isNull()) {
            String msg = errorText(w.error());
            String id = requestId == null ? "" : " (request id " + requestId + ")";
            throw new ServerException(call + " failed mid-stream: " + msg + id, 0, requestId, msg, false, null);
        }
        String delta = "";
        String finish = null;
        if (w.choices() != null && !w.choices().isEmpty()) {
            WireChoice c = w.choices().get(0);
            if (c.delta() != null && c.delta().content() != null) {
                delta = c.delta().content();
            }
            finish = c.finishReason();
        }
        return new ChatChunk(w.id(), delta, finish, w.usage() == null ? null : w.usage().toUsage());
    }

    /*
     * A completion or chunk read field by field with the streaming parser: the hot path of every
     * fan-out item (and of every streamed chunk), where data binding into records with creators
     * cost about as much as the rest of the client's own work. Unknown fields are skipped; a value
     * of the wrong shape fails like data binding did (a JsonProcessingException).
     */
    private static WireCompletion readCompletion(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonParseException(p, "no content");
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_OBJECT, "a chat completion object");
        String id = null;
        String model = null;
        List<WireChoice> choices = null;
        WireUsage usage = null;
        JsonNode error = null;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            switch (field) {
                case "id" -> id = text(p, t);
                case "model" -> model = text(p, t);
                case "choices" -> choices = choices(p, t);
                case "usage" -> usage = usage(p, t);
                case "error" -> error = Mapper.INSTANCE.readTree(p);
                default -> p.skipChildren();
            }
        }
        return new WireCompletion(id, model, choices, usage, error);
    }

    private static List<WireChoice> choices(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_ARRAY, "an array of choices");
        List<WireChoice> list = new ArrayList<>(1);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NULL) {
                list.add(null);
                continue;
            }
            expect(p, t, JsonToken.START_OBJECT, "a choice object");
            int index = 0;
            WireMessage message = null;
            WireMessage delta = null;
            String finish = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                switch (field) {
                    case "index" -> index = number(p, t);
                    case "message" -> message = message(p, t);
                    case "delta" -> delta = message(p, t);
                    case "finish_reason" -> finish = text(p, t);
                    default -> p.skipChildren();
                }
            }
            list.add(new WireChoice(index, message, delta, finish));
        }
        return list;
    }

    private static WireMessage message(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_OBJECT, "a message object");
        String role = null;
        String content = null;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            switch (field) {
                case "role" -> role = text(p, t);
                case "content" -> content = text(p, t);
                default -> p.skipChildren();
            }
        }
        return new WireMessage(role, content);
    }

    private static WireUsage usage(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_OBJECT, "a usage object");
        int prompt = 0;
        int completion = 0;
        int total = 0;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = number(p, t);
                case "completion_tokens" -> completion = number(p, t);
                case "total_tokens" -> total = number(p, t);
                default -> p.skipChildren();
            }
        }
        return new WireUsage(prompt, completion, total);
    }

    /** A string field; numbers and booleans as their text, like data binding. */
    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw new JsonParseException(p, "expected a string, got " + t);
        }
        return p.getText();
    }

    private static int number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getIntValue();
        }
        if (t.isScalarValue()) {
            return p.getValueAsInt();
        }
        throw new JsonParseException(p, "expected a number, got " + t);
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what) throws IOException {
        if (actual != wanted) {
            throw new JsonParseException(p, "expected " + what + ", got " + actual);
        }
    }

    /** Reads {@code GET /models}. */
    public static List<Model> models(String call, byte[] body, String requestId) {
        WireModels w;
        try {
            w = Mapper.INSTANCE.readValue(body, WireModels.class);
        } catch (IOException | RuntimeException e) {
            throw Failures.malformed(call, 200, requestId, "not a model list (" + shortProblem(e) + ")", e);
        }
        if (w == null || w.data() == null) {
            throw Failures.malformed(call, 200, requestId, "no \"data\" in " + preview(body), null);
        }
        return w.data().stream().map(m -> new Model(m.id(), m.ownedBy())).toList();
    }

    /** Snake-case binding for the file and batch objects (their wire names are the fields' names in snake case). */
    private static final class SnakeMapper {
        static final ObjectMapper INSTANCE = Mapper.INSTANCE.copy()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    record WireBatchErrors(List<Batch.Error> data) {
    }

    record WireBatch(String id, String status, String endpoint, String inputFileId, String outputFileId,
                     String errorFileId, String completionWindow, long createdAt, Long inProgressAt,
                     Long completedAt, Long failedAt, Long expiredAt, Long cancelledAt,
                     Batch.RequestCounts requestCounts, WireBatchErrors errors,
                     Map<String, String> metadata) {
        Batch toBatch() {
            return new Batch(id, status, endpoint, inputFileId, outputFileId, errorFileId,
                    completionWindow, createdAt, inProgressAt, completedAt, failedAt, expiredAt, cancelledAt,
                    requestCounts, errors == null ? null : errors.data(), metadata);
        }
    }

    record WireBatchPage(List<WireBatch> data, boolean hasMore, String lastId) {
    }

    record WireDeleted(String id, boolean deleted) {
    }

    /** Reads a file object ({@code POST /files}, {@code GET /files/{id}}). */
    public static FileObject file(String call, byte[] body, String requestId) {
        FileObject f = snake(call, body, requestId, FileObject.class, "file object");
        if (f.id() == null) {
            throw Failures.malformed(call, 200, requestId, "no \"id\" in " + preview(body), null);
        }
        return f;
    }

    /** Reads {@code DELETE /files/{id}}: whether the file was deleted. */
    public static boolean deleted(String call, byte[] body, String requestId) {
        return snake(call, body, requestId, WireDeleted.class, "deletion status").deleted();
    }

    /** Reads a batch object. */
    public static Batch batch(String call, byte[] body, String requestId) {
        WireBatch w = snake(call, body, requestId, WireBatch.class, "batch");
        if (w.id() == null || w.status() == null) {
            throw Failures.malformed(call, 200, requestId, "no \"id\" or \"status\" in " + preview(body), null);
        }
        return w.toBatch();
    }

    /** Reads {@code GET /batches}. */
    public static BatchPage batches(String call, byte[] body, String requestId) {
        WireBatchPage w = snake(call, body, requestId, WireBatchPage.class, "batch list");
        if (w.data() == null) {
            throw Failures.malformed(call, 200, requestId, "no \"data\" in " + preview(body), null);
        }
        return new BatchPage(w.data().stream().map(WireBatch::toBatch).toList(), w.hasMore(),
                w.lastId());
    }

    /** The body of {@code POST /batches}. */
    public static byte[] batchRequest(String inputFileId, String endpoint, String completionWindow,
                                      Map<String, String> metadata) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_file_id", inputFileId);
        m.put("endpoint", endpoint);
        m.put("completion_window", completionWindow);
        if (metadata != null && !metadata.isEmpty()) {
            m.put("metadata", metadata);
        }
        try {
            return Mapper.INSTANCE.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T snake(String call, byte[] body, String requestId, Class<T> type, String what) {
        T value;
        try {
            value = SnakeMapper.INSTANCE.readValue(body, type);
        } catch (IOException | RuntimeException e) {
            throw Failures.malformed(call, 200, requestId, "not a " + what + " (" + shortProblem(e) + ")", e);
        }
        if (value == null) {
            throw Failures.malformed(call, 200, requestId, "not a " + what + ": " + preview(body), null);
        }
        return value;
    }

    /** Reads an IAM token response. */
    public static Token token(String call, byte[] body, String requestId) {
        Token t;
        try {
            t = Mapper.INSTANCE.readValue(body, Token.class);
        } catch (IOException | RuntimeException e) {
            // The body may hold a token: do not quote it.
            throw Failures.malformed(call, 200, requestId, "not a token response", null);
        }
        if (t == null || t.accessToken() == null || t.accessToken().isBlank()) {
            throw Failures.malformed(call, 200, requestId, "no \"access_token\" in the token response", null);
        }
        return t;
    }

    /**
     * The server's error text: {@code error.message} of an OpenAI error, else {@code message} or
     * {@code detail}, else the first line of the body; null for an empty body.
     */
    public static String errorMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode n = Mapper.INSTANCE.readTree(body);
            if (n != null && n.isObject()) {
                String text = errorText(n.has("error") ? n.get("error") : n);
                if (text != null) {
                    return text;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? null : firstLine(text);
    }

    private static String errorText(JsonNode n) {
        if (n.isTextual()) {
            return firstLine(n.asText());
        }
        for (String field : List.of("message", "detail", "error_description")) {
            JsonNode f = n.get(field);
            if (f != null && f.isTextual()) {
                return firstLine(f.asText());
            }
        }
        return n.isObject() ? null : firstLine(n.toString());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static String preview(byte[] body) {
        return preview(new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8));
    }

    private static String preview(String s) {
        String one = s.replace('\n', ' ').strip();
        return "'" + (one.length() > 80 ? one.substring(0, 80) + "…" : one) + "'";
    }

    private static String shortProblem(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return firstLine(m);
    }
}
