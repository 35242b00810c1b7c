package dev.chorus.client.fanout;

import dev.chorus.client.ChatChunk;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChatStream;
import dev.chorus.client.Choice;
import dev.chorus.client.Message;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.Usage;
import dev.chorus.client.async.RateLimiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link FanOut} of chat completions: one request per input, sent through one or several
 * {@link ChatClient}s, with the answers back in input order.
 *
 * <p>Made by {@link FanOut#chat(ChatClient)} or {@link FanOut#chat()}; configure it with the same
 * knobs as {@link FanOut.Builder}, then {@link #run} or {@link #start}. Retries are the engine's:
 * each call is sent with {@code maxRetries(0)} so every attempt is counted once, and a retryable
 * {@link dev.chorus.client.ChorusException} (429, 5xx, timeouts, lost connections) is tried again,
 * after the server's Retry-After when it sent one. Token usage lands in each {@link ItemResult}.
 *
 * <p>Threading: a settings holder, not thread-safe while configured; each run builds its own
 * engine. Who closes: the caller owns the clients and closes them after the run; this class
 * closes nothing. Failures are data in the result, as for {@link FanOut}.
 */
public final class ChatFanOut {

    private final List<ChatClient> clients = new ArrayList<>();
    private final List<Integer> limits = new ArrayList<>();
    private Integer concurrency;
    private RateLimiter rateLimiter;
    private int retries = 2;
    private Duration backoffInitial;
    private Duration backoffMax;
    private Duration itemTimeout;
    private Duration deadline;
    private ProgressListener listener;
    private Duration progressInterval;
    private Path checkpoint;
    private Function<Object, String> key;
    private boolean stream;

    ChatFanOut() {
    }

    /**
     * Adds an endpoint: a client with its own concurrency limit. Items go to the endpoint with the
     * most free slots.
     */
    public ChatFanOut endpoint(ChatClient client, int concurrency) {
        Objects.requireNonNull(client, "client");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency of endpoint '" + client.baseUrl()
                    + "' must be at least 1, got " + concurrency);
        }
        clients.add(client);
        limits.add(concurrency);
        return this;
    }

    /** With one client: its concurrency; with several: a cap over their sum. See {@link FanOut.Builder#concurrency}. */
    public ChatFanOut concurrency(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        return this;
    }

    /** See {@link FanOut.Builder#requestsPerSecond}. */
    public ChatFanOut requestsPerSecond(double requestsPerSecond) {
        this.rateLimiter = RateLimiter.perSecond(requestsPerSecond);
        return this;
    }

    /** See {@link FanOut.Builder#rateLimiter}. */
    public ChatFanOut rateLimiter(RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        return this;
    }

    /** Retries of a retryable failure per item (default 2, like the client's own default). */
    public ChatFanOut retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.retries = retries;
        return this;
    }

    /** See {@link FanOut.Builder#backoff}. */
    public ChatFanOut backoff(Duration initial, Duration max) {
        this.backoffInitial = initial;
        this.backoffMax = max;
        return this;
    }

    /** See {@link FanOut.Builder#itemTimeout}. */
    public ChatFanOut itemTimeout(Duration itemTimeout) {
        this.itemTimeout = itemTimeout;
        return this;
    }

    /** See {@link FanOut.Builder#deadline}. */
    public ChatFanOut deadline(Duration deadline) {
        this.deadline = deadline;
        return this;
    }

    /** See {@link FanOut.Builder#listener}. */
    public ChatFanOut listener(ProgressListener listener) {
        this.listener = listener;
        return this;
    }

    /** See {@link FanOut.Builder#progressInterval}. */
    public ChatFanOut progressInterval(Duration interval) {
        this.progressInterval = interval;
        return this;
    }

    /** A JSONL checkpoint storing each answer's text (see {@link #answers()}); see {@link FanOut.Builder#checkpoint}. */
    public ChatFanOut checkpoint(Path file) {
        this.checkpoint = file;
        return this;
    }

    /** The checkpoint key of an input (default {@code String.valueOf(input)}). */
    public ChatFanOut key(Function<Object, String> key) {
        this.key = key;
        return this;
    }

    /** Whether to read each answer as a stream of chunks (SSE) instead of one response (default false). */
    public ChatFanOut stream(boolean stream) {
        this.stream = stream;
        return this;
    }

    /** Sends {@code request.apply(input)} for every input and waits; see {@link FanOut#run}. */
    public <I> FanOutResult<I, ChatCompletion> run(List<? extends I> inputs,
                                                   Function<? super I, ChatRequest> request) {
        return this.<I>engine().run(inputs, task(request));
    }

    /** Starts the requests in the background; see {@link FanOut#start}. */
    public <I> FanOutHandle<I, ChatCompletion> start(List<? extends I> inputs,
                                                     Function<? super I, ChatRequest> request) {
        return this.<I>engine().start(inputs, task(request));
    }

    /**
     * The checkpoint codec of chat answers: stores the answer text; a resumed answer is a
     * {@link ChatCompletion} with that text as its only choice and no id, model or usage (the
     * checkpoint line keeps the token counts).
     */
    public static CheckpointCodec<ChatCompletion> answers() {
        return new CheckpointCodec<>() {
            @Override
            public String encode(ChatCompletion value) {
                return value.content();
            }

            @Override
            public ChatCompletion decode(String text) {
                return new ChatCompletion(null, null, List.of(new Choice(0, new Message("assistant", text), "stop")),
                        null, null, 0);
            }
        };
    }

    private <I> FanOut<I, ChatCompletion> engine() {
        if (clients.isEmpty()) {
            throw new IllegalStateException("no endpoint: use FanOut.chat(client) or endpoint(client, concurrency)");
        }
        FanOut.Builder<I, ChatCompletion> b = FanOut.<I, ChatCompletion>builder().retries(retries);
        if (clients.size() == 1 && concurrency != null) {
            b.endpoint(clients.get(0).baseUrl(), concurrency);
        } else {
            for (int i = 0; i < clients.size(); i++) {
                b.endpoint(clients.get(i).baseUrl(), limits.get(i));
            }
            if (concurrency != null) {
                b.concurrency(concurrency);
            }
        }
        if (rateLimiter != null) {
            b.rateLimiter(rateLimiter);
        }
        if (backoffInitial != null) {
            b.backoff(backoffInitial, backoffMax);
        }
        if (itemTimeout != null) {
            b.itemTimeout(itemTimeout);
        }
        if (deadline != null) {
            b.deadline(deadline);
        }
        if (listener != null) {
            b.listener(listener);
        }
        if (progressInterval != null) {
            b.progressInterval(progressInterval);
        }
        if (checkpoint != null) {
            b.checkpoint(checkpoint, answers());
        }
        if (key != null) {
            Function<Object, String> k = key;
            b.key(k::apply);
        }
        return b.build();
    }

    private <I> ItemTask<I, ChatCompletion> task(Function<? super I, ChatRequest> request) {
        Objects.requireNonNull(request, "request");
        List<ChatClient> endpoints = List.copyOf(clients);
        RequestOptions once = RequestOptions.builder().maxRetries(0).build();
        boolean streamed = stream;
        return (input, ctx) -> {
            ChatRequest req = request.apply(input);
            ChatClient client = endpoints.get(ctx.endpoint());
            ChatCompletion answer = streamed ? readStream(client, req, once) : client.chat().completions().create(req, once);
            Usage u = answer.usage();
            if (u != null) {
                ctx.tokens(u.promptTokens(), u.completionTokens());
            }
            return answer;
        };
    }

    private static ChatCompletion readStream(ChatClient client, ChatRequest req, RequestOptions options) {
        try (ChatStream s = client.chat().completions().stream(req, options)) {
            String id = null;
            String finish = null;
            for (ChatChunk c : s) {
                if (id == null) {
                    id = c.id();
                }
                if (c.finishReason() != null) {
                    finish = c.finishReason();
                }
            }
            return new ChatCompletion(id, req.model(), List.of(new Choice(0, new Message("assistant", s.text()), finish)),
                    s.usage(), s.requestId(), 1);
        }
    }

    @Override
    public String toString() {
        return "ChatFanOut[" + clients.size() + " endpoint(s), retries " + retries + (stream ? ", streamed" : "") + "]";
    }
}
