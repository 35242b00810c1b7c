package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChorusException;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.Message;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.fanout.CheckpointCodec;
import dev.chorus.client.fanout.FanOut;
import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.ItemContext;
import dev.chorus.client.fanout.ProgressListener;
import dev.chorus.client.structured.OutputSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat fan-out: a request per row, sent through the engine under the run's limits, each
 * answer written into the {@link ResultTable} the moment its row ends. {@code %%fanout} (in the
 * foreground or with {@code --background}), {@link Chorus#fanout} and the benchmarks all run
 * through this class, so what is measured is what users run.
 *
 * <p>Retries are the engine's: each call goes out with {@code maxRetries(0)}, so every attempt is
 * one request and is counted once, and a retryable failure (429, 5xx, timeouts, lost connections,
 * truncated or malformed bodies) is tried again within the row's budget, after the server's
 * Retry-After when it sent one.
 *
 * <p>With a schema ({@link ResultTable#schema()}), each request carries it as {@code response_format}
 * json_schema and each answer is validated; an invalid one fails its attempt with an
 * {@link InvalidAnswerException}, and the next attempt adds that answer and the validator's message
 * to the conversation (at once, without backoff). When the server refuses json_schema (a 400
 * naming response_format), the run switches to json_object with the schema in a system message
 * for all its rows, and {@link #fellBack()} says so.
 *
 * <p>Threading: built and started on the caller's thread; the engine's threads fill the table (which
 * is thread-safe) and call the progress listener. Who closes: the caller owns the client. Failures of
 * requests are rows; only bad settings throw, from {@link #start()}.
 */
final class FanOutJob {

    /** One input of the fan-out: its position, its row values and its filled prompt. */
    record Row(int index, Map<String, Object> values, String prompt) {
        @Override
        public String toString() {
            return prompt;
        }
    }

    /**
     * The limits of a run.
     *
     * @param concurrency requests in flight at most
     * @param rps         requests started per second at most, or null for no limit
     * @param retries     retries of a retryable failure per row
     * @param timeout     per attempt, or null
     * @param deadline    for the whole run, or null
     * @param checkpoint  the JSONL file finished rows are appended to and resumed from, or null
     */
    record Settings(int concurrency, Double rps, int retries, Duration timeout, Duration deadline, Path checkpoint) {
    }

    /**
     * What a row's request brought back: the answer's text and, with a schema, its checked JSON.
     *
     * @param text the content as received
     * @param json the validated (and unwrapped) JSON, or null without a schema
     */
    record Answer(String text, JsonNode json) {
    }

    /** The invalid answer a row's next attempt mends. */
    private record Feedback(String raw, String problem) {
    }

    private static final RequestOptions ONE_ATTEMPT = RequestOptions.builder().maxRetries(0).build();

    private final ChatClient client;
    private final ChatRequest template;
    private final List<Row> rows;
    private final ResultTable table;
    private final OutputSchema schema;
    private final FanOut<Row, Answer> engine;
    private final Map<Integer, Feedback> feedback = new ConcurrentHashMap<>();
    private final AtomicBoolean fallback = new AtomicBoolean();

    /**
     * @param template the request every row's is made from: its last message is replaced by the row's prompt
     * @param progress receives progress snapshots, or null
     */
    FanOutJob(ChatClient client, ChatRequest template, List<Row> rows, ResultTable table, Settings settings,
              ProgressListener progress) {
        this.client = Objects.requireNonNull(client, "client");
        this.template = Objects.requireNonNull(template, "template");
        this.rows = List.copyOf(rows);
        this.table = Objects.requireNonNull(table, "table");
        this.schema = table.schema();
        FanOut.Builder<Row, Answer> b = FanOut.<Row, Answer>builder()
                .concurrency(settings.concurrency())
                .retries(settings.retries())
                .key(Row::prompt)
                .onItem(table::fill);
        if (settings.rps() != null) {
            b.requestsPerSecond(settings.rps());
        }
        if (settings.timeout() != null) {
            b.itemTimeout(settings.timeout());
        }
        if (settings.deadline() != null) {
            b.deadline(settings.deadline());
        }
        if (settings.checkpoint() != null) {
            b.checkpoint(settings.checkpoint(), codec());
        }
        if (progress != null) {
            b.listener(progress);
        }
        this.engine = b.build();
    }

    /** Starts sending and returns at once; the table fills as rows end. */
    FanOutHandle<Row, Answer> start() {
        return engine.start(rows, schema == null ? this::text : this::structured);
    }

    /** True once the server refused json_schema and rows were asked with json_object instead. */
    boolean fellBack() {
        return fallback.get();
    }

    private Answer text(Row row, ItemContext ctx) {
        ChatCompletion answer = client.chat().completions().create(request(row.prompt()), ONE_ATTEMPT);
        tokens(answer, ctx);
        return new Answer(answer.content(), null);
    }

    /** One attempt of a structured row: ask (mending the last invalid answer), check, keep the problem if invalid. */
    private Answer structured(Row row, ItemContext ctx) {
        ChatRequest base = request(row.prompt());
        boolean loose = fallback.get();
        ChatCompletion answer;
        try {
            answer = client.chat().completions().create(structuredRequest(base, row, loose), ONE_ATTEMPT);
        } catch (ChorusException e) {
            if (loose || !OutputSchema.refused(e)) {
                throw e;
            }
            // The server has no json_schema: this row and every later one ask with json_object.
            fallback.set(true);
            answer = client.chat().completions().create(structuredRequest(base, row, true), ONE_ATTEMPT);
        }
        tokens(answer, ctx);
        try {
            JsonNode json = schema.check(answer.content(), answer.requestId());
            feedback.remove(row.index());
            return new Answer(answer.content(), json);
        } catch (InvalidAnswerException e) {
            feedback.put(row.index(), new Feedback(e.raw(), e.problem()));
            throw e;
        }
    }

    private ChatRequest structuredRequest(ChatRequest base, Row row, boolean loose) {
        ChatRequest r = schema.request(base, loose);
        Feedback last = feedback.get(row.index());
        return last == null ? r : schema.reask(r, last.raw(), last.problem());
    }

    private static void tokens(ChatCompletion answer, ItemContext ctx) {
        if (answer.usage() != null) {
            ctx.tokens(answer.usage().promptTokens(), answer.usage().completionTokens());
        }
    }

    /** Checkpoint lines keep the answer's text; on resume a structured one is checked again (an invalid line runs again). */
    private CheckpointCodec<Answer> codec() {
        return new CheckpointCodec<>() {
            @Override
            public String encode(Answer value) {
                return value.text();
            }

            @Override
            public Answer decode(String text) {
                return new Answer(text, schema == null ? null : schema.check(text, null));
            }
        };
    }

    /** The table this job fills. */
    ResultTable table() {
        return table;
    }

    /** The rows, in input order. */
    List<Row> rows() {
        return rows;
    }

    private ChatRequest request(String prompt) {
        List<Message> messages = new ArrayList<>(template.messages());
        messages.set(messages.size() - 1, Message.user(prompt));
        return template.toBuilder().messages(messages).build();
    }
}
