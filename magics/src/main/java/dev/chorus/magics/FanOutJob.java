package dev.chorus.magics;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.Message;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.fanout.CheckpointCodec;
import dev.chorus.client.fanout.FanOut;
import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.ProgressListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private static final RequestOptions ONE_ATTEMPT = RequestOptions.builder().maxRetries(0).build();

    private final ChatClient client;
    private final ChatRequest template;
    private final List<Row> rows;
    private final ResultTable table;
    private final FanOut<Row, String> engine;

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
        FanOut.Builder<Row, String> b = FanOut.<Row, String>builder()
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
            b.checkpoint(settings.checkpoint(), CheckpointCodec.strings());
        }
        if (progress != null) {
            b.listener(progress);
        }
        this.engine = b.build();
    }

    /** Starts sending and returns at once; the table fills as rows end. */
    FanOutHandle<Row, String> start() {
        return engine.start(rows, (row, ctx) -> {
            ChatCompletion answer = client.chat().completions().create(request(row.prompt()), ONE_ATTEMPT);
            if (answer.usage() != null) {
                ctx.tokens(answer.usage().promptTokens(), answer.usage().completionTokens());
            }
            return answer.content();
        });
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
