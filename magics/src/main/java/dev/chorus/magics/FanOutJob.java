package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChorusException;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.fanout.CheckpointCodec;
import dev.chorus.client.fanout.FanOut;
import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.ItemContext;
import dev.chorus.client.fanout.ItemResult;
import dev.chorus.client.fanout.ItemTask;
import dev.chorus.client.fanout.Known;
import dev.chorus.client.fanout.ProgressListener;
import dev.chorus.client.structured.OutputSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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

    /**
     * One request of the fan-out: its position, its filled prompt, and in a grid the variant it
     * belongs to (null otherwise). The input row's values are the result table's input columns.
     */
    record Row(int index, String prompt, Grid.Variant variant) {
        Row(int index, String prompt) {
            this(index, prompt, null);
        }

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
     * @param cache       the response cache answers are looked up in and stored to, or null
     * @param refresh     ask again even when an answer is cached (and store the new one)
     * @param prices      the price of each model (null: the run's model), or null for a model without one
     * @param maxCost     stop starting rows once what was spent reaches this (in the price's currency), or null
     */
    record Settings(int concurrency, Double rps, int retries, Duration timeout, Duration deadline, Path checkpoint,
                    ResponseCache cache, boolean refresh, java.util.function.Function<String, Preflight.Price> prices,
                    Double maxCost) {
    }

    /**
     * What a row's request brought back: the answer's text and, with a schema, its checked JSON.
     *
     * @param text   the content as received
     * @param json   the validated (and unwrapped) JSON, or null without a schema
     * @param shared true when another row of the run sent the identical request and this row took its answer
     */
    record Answer(String text, JsonNode json, boolean shared) {
        Answer(String text, JsonNode json) {
            this(text, json, false);
        }
    }

    /** The invalid answer a row's next attempt mends. */
    private record Feedback(String raw, String problem) {
    }

    private static final RequestOptions ONE_ATTEMPT = RequestOptions.builder().maxRetries(0).build();

    private final ChatClient client;
    private final List<Row> rows;
    private final ResultTable table;
    private final OutputSchema schema;
    private final FanOut<Row, Answer> engine;
    private final Map<Integer, Feedback> feedback = new ConcurrentHashMap<>();
    private final AtomicBoolean fallback = new AtomicBoolean();
    private final ResponseCache cache;
    private final RowRequests requests;
    /** At temperature 0 identical requests are sent once: the first row's answer, by key. */
    private final Map<String, CompletableFuture<Answer>> inFlight;
    private final java.util.function.Function<String, Preflight.Price> prices;
    private final Double maxCost;
    private final java.util.concurrent.atomic.DoubleAdder spent = new java.util.concurrent.atomic.DoubleAdder();
    private volatile FanOutHandle<Row, Answer> handle;
    private volatile String stoppedBy;

    /**
     * @param template the request every row's is made from: its last message is replaced by the row's prompt
     * @param progress receives progress snapshots, or null
     */
    FanOutJob(ChatClient client, ChatRequest template, List<Row> rows, ResultTable table, Settings settings,
              ProgressListener progress) {
        this.client = Objects.requireNonNull(client, "client");
        this.rows = List.copyOf(rows);
        this.table = Objects.requireNonNull(table, "table");
        this.schema = table.schema();
        this.cache = settings.cache();
        this.prices = settings.prices();
        this.maxCost = settings.maxCost();
        FanOut.Builder<Row, Answer> b = FanOut.<Row, Answer>builder()
                .concurrency(settings.concurrency())
                .retries(settings.retries())
                .key(row -> row.variant() == null ? row.prompt() : row.prompt() + " \u0000 " + row.variant().label())
                .onItem(this::ended);
        this.requests = new RowRequests(client.baseUrl(), Objects.requireNonNull(template, "template"), this.rows,
                schema, cache, settings.refresh());
        if (requests.anyHit()) {
            b.known(row -> known(requests.hit(row.index())));
        }
        inFlight = cache != null && this.rows.stream().anyMatch(requests::atZero) ? new ConcurrentHashMap<>() : null;
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
        ItemTask<Row, Answer> ask = schema == null ? this::text : this::structured;
        handle = engine.start(rows, inFlight == null ? ask
                : (row, ctx) -> requests.atZero(row) ? once(row, ctx, ask) : ask.call(row, ctx));
        return handle;
    }

    /** Why the run stopped starting rows ({@code --max-cost}), or null. */
    String stoppedBy() {
        return stoppedBy;
    }

    /** Rows whose answer the cache holds (before the run; none with {@code --refresh}). */
    int cachedRows() {
        int n = 0;
        for (Row row : rows) {
            n += requests.hit(row.index()) != null ? 1 : 0;
        }
        return n;
    }

    /** The rows the run will send: those the cache does not answer. */
    List<Row> uncachedRows() {
        List<Row> out = new ArrayList<>();
        for (Row row : rows) {
            if (requests.hit(row.index()) == null) {
                out.add(row);
            }
        }
        return out;
    }

    /** Each row's request and cache key. */
    RowRequests requests() {
        return requests;
    }

    /** Writes the answers still queued for the cache (call when the run has ended). */
    void flush() {
        if (cache != null) {
            cache.flush();
        }
    }

    private void ended(ItemResult<Row, Answer> r) {
        table.fill(r);
        Preflight.Price price = maxCost == null ? null
                : prices.apply(r.input().variant() == null ? null : r.input().variant().model());
        if (price != null && !r.cached() && !r.resumed()) {
            spent.add(price.cost(r.promptTokens(), r.completionTokens()));
            FanOutHandle<Row, Answer> h = handle;
            if (stoppedBy == null && spent.sum() >= maxCost && h != null) {
                stoppedBy = "--max-cost " + price.money(maxCost) + " reached (" + price.approx(spent.sum()) + " spent)";
                h.stopStarting("not sent: " + stoppedBy);
            }
        }
        if (cache != null && r.ok() && !r.cached() && !r.resumed() && r.value() != null && !r.value().shared()) {
            cache.put(requests.key(r.index()), new ResponseCache.Entry(r.value().text(), r.promptTokens(),
                    r.completionTokens(), r.latency().toMillis()));
        }
    }

    /** A cached answer as the engine's known value: checked again against the schema (an invalid one runs). */
    private Known<Answer> known(ResponseCache.Entry e) {
        if (e == null) {
            return null;
        }
        Answer a = new Answer(e.content(), schema == null ? null : schema.check(e.content(), null));
        return new Known<>(a, Duration.ofMillis(e.latencyMs()), e.promptTokens(), e.completionTokens());
    }

    /**
     * At temperature 0: the first row with a given request sends it; rows with the identical request
     * wait for that answer instead of sending their own (if it fails, they send their own).
     */
    private Answer once(Row row, ItemContext ctx, ItemTask<Row, Answer> ask) throws Exception {
        String key = requests.key(row.index());
        CompletableFuture<Answer> mine = new CompletableFuture<>();
        CompletableFuture<Answer> first = inFlight.putIfAbsent(key, mine);
        if (first != null) {
            try {
                Answer a = first.get();
                return new Answer(a.text(), a.json(), true);
            } catch (java.util.concurrent.ExecutionException leaderFailed) {
                // The first row's request failed (and left the map): one of the waiting rows asks next.
                return once(row, ctx, ask);
            }
        }
        try {
            Answer a = ask.call(row, ctx);
            mine.complete(a);
            return a;
        } catch (Exception | Error e) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** True once the server refused json_schema and rows were asked with json_object instead. */
    boolean fellBack() {
        return fallback.get();
    }

    private Answer text(Row row, ItemContext ctx) {
        ChatCompletion answer = client.chat().completions().create(requests.request(row), ONE_ATTEMPT);
        tokens(answer, ctx);
        return new Answer(answer.content(), null);
    }

    /** One attempt of a structured row: ask (mending the last invalid answer), check, keep the problem if invalid. */
    private Answer structured(Row row, ItemContext ctx) {
        ChatRequest base = requests.request(row);
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
}
