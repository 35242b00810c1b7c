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
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
        try (Writer w = new Writer(out)) {
            w.write(customId, request, model);
        }
        String line = out.toString(StandardCharsets.UTF_8);
        return line.substring(0, line.length() - 1);
    }

    /**
     * Writes input lines ({@link #request}, each followed by a newline) to a stream, which stays
     * open, without building them as text: one generator serves every line. Not thread-safe.
     */
    public static final class Writer implements AutoCloseable {
        private final Json.BatchLineWriter lines;

        public Writer(java.io.OutputStream out) {
            lines = new Json.BatchLineWriter(out);
        }

        /** Writes the line of {@code request} under {@code customId} (with {@code model} when the request names none). */
        public void write(String customId, ChatRequest request, String model) {
            Objects.requireNonNull(customId, "customId");
            lines.write(customId, BatchApi.CHAT_COMPLETIONS, request, request.model() != null ? request.model() : model);
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    /**
     * Reads the lines of an output or error file from a stream (blank lines skipped), one at a time
     * and without a string per line: a million lines come through here. Not thread-safe; closes
     * the stream on {@link #close}.
     */
    public static final class Reader implements AutoCloseable {
        private final java.io.InputStream in;
        private final byte[] chunk = new byte[1 << 16];
        private int pos;
        private int end;
        private byte[] line = new byte[1024];

        public Reader(java.io.InputStream in) {
            this.in = Objects.requireNonNull(in, "in");
        }

        /**
         * The next line, or null at the end of the stream.
         *
         * @throws MalformedResponseException when a line is not an output or error line
         */
        public BatchLine next() throws IOException {
            while (true) {
                int n = 0;
                boolean any = false;
                while (true) {
                    if (pos == end) {
                        end = in.read(chunk, 0, chunk.length);
                        pos = 0;
                        if (end <= 0) {
                            end = 0;
                            break;
                        }
                    }
                    any = true;
                    byte b = chunk[pos++];
                    if (b == '\n') {
                        break;
                    }
                    if (n == line.length) {
                        line = java.util.Arrays.copyOf(line, n * 2);
                    }
                    line[n++] = b;
                }
                if (!any) {
                    return null;
                }
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                if (!blank(line, n)) {
                    return parse(line, n);
                }
            }
        }

        private static boolean blank(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                if (b[i] < 0 || !Character.isWhitespace((char) b[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static BatchLine parse(byte[] line, int length) {
        BatchLine answered = Json.answeredBatchLine(line, length);
        return answered != null ? answered : parseTree(new String(line, 0, length, StandardCharsets.UTF_8));
    }

    /**
     * Reads one line of an output or error file.
     *
     * @throws MalformedResponseException when it is not such a line
     */
    public static BatchLine parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, bytes.length);
    }

    private static BatchLine parseTree(String line) {
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
