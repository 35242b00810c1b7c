package dev.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.structured.OutputSchema;
import dev.chorus.client.internal.EvolutionAuth;
import dev.chorus.client.internal.Json;
import dev.chorus.client.internal.ReadTimeouts;
import dev.chorus.client.internal.Secrets;
import dev.chorus.client.internal.Sleeper;
import dev.chorus.client.internal.StaticKeyAuth;
import dev.chorus.client.internal.Transport;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * An OpenAI-compatible chat client (Evolution IAM key id/secret or a static API key) with
 * blocking, asynchronous and streamed completions, retries and a high concurrency limit.
 *
 * <p>Thread-safe: share one instance across all threads and fan-out items. Blocking calls are
 * cheap on virtual threads and answer {@link Thread#interrupt()} by cancelling the HTTP call and
 * throwing {@link ChorusCancelledException} with the interrupt flag restored. A blocking call made
 * on a virtual thread runs its first attempt on that thread; other HTTP work runs on virtual
 * threads owned by this client. The creator closes it: {@link #close()} cancels calls in
 * flight, stops its threads and drops pooled connections. Every failure is a
 * {@link ChorusException} whose message names the call and holds no secret.
 */
public final class ChatClient implements AutoCloseable {
    static final String DEFAULT_TOKEN_URL = "https://iam.api.cloud.ru/api/v1/auth/token";
    static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpUrl baseUrl;
    private final String defaultModel;
    private final OkHttpClient http;
    private final ExecutorService executor;
    private final Transport transport;
    private final Interceptor auth;
    /** The read/write timeouts of a cleartext base URL's sockets, or null (TLS, or no read timeout). */
    private final ReadTimeouts readTimeouts;
    private final int maxRetries;
    private final int maxConcurrentRequests;
    private final Chat chat = new Chat();
    private final Completions completions = new Completions();
    private final Models models = new Models();
    private final Calls calls;
    private final FileApi files;
    private final BatchApi batches;
    private final HttpUrl completionsUrl;
    private final String completionsCall;

    private ChatClient(Builder b) {
        this.baseUrl = b.parsedBaseUrl();
        this.defaultModel = b.model;
        this.maxRetries = b.maxRetries;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("chorus-http-", 0).factory());
        Dispatcher dispatcher = new Dispatcher(executor);
        dispatcher.setMaxRequests(b.maxConcurrentRequests);
        dispatcher.setMaxRequestsPerHost(b.maxConcurrentRequests);
        OkHttpClient base = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(Math.min(b.maxConcurrentRequests, 2048), 5, TimeUnit.MINUTES))
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .writeTimeout(b.readTimeout)
                .callTimeout(b.callTimeout)
                // Retries are the Transport's one concern; OkHttp must not add silent ones.
                .retryOnConnectionFailure(false)
                .build();
        if (b.keyId != null) {
            HttpUrl tokenUrl = parseUrl(b.tokenUrl, "tokenUrl");
            this.auth = new EvolutionAuth(b.keyId, b.secret, tokenUrl, base, b.clock);
        } else if (b.apiKey != null) {
            this.auth = new StaticKeyAuth(b.apiKey);
        } else {
            this.auth = null;
        }
        OkHttpClient.Builder chat = base.newBuilder();
        if (auth != null) {
            chat.addInterceptor(auth);
        }
        if (!baseUrl.isHttps() && !b.readTimeout.isZero()) {
            // Cleartext HTTP/1.1: the read and write timeouts are kept by one watchdog instead of
            // okio's per-operation lock (see ReadTimeouts); TLS keeps OkHttp's own timeouts.
            this.readTimeouts = new ReadTimeouts(b.readTimeout, "chorus-read-timeouts");
            chat.readTimeout(Duration.ZERO).writeTimeout(Duration.ZERO)
                    .socketFactory(readTimeouts.socketFactory())
                    .protocols(List.of(Protocol.HTTP_1_1));
        } else {
            this.readTimeouts = null;
        }
        this.http = chat.build();
        this.transport = new Transport(http, b.sleeper, b.clock, b.maxRetries, b.maxConcurrentRequests);
        this.calls = new Calls(baseUrl, transport);
        this.files = new FileApi(calls);
        this.batches = new BatchApi(calls);
        this.completionsUrl = endpoint("chat/completions");
        this.completionsCall = "POST " + completionsUrl.encodedPath();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The chat resource: {@code client.chat().completions().create(request)}. */
    public Chat chat() {
        return chat;
    }

    /** The models resource: {@code client.models().list()}. */
    public Models models() {
        return models;
    }

    /** The files resource: {@code client.files().upload(path, "batch")}, a batch's input and output. */
    public FileApi files() {
        return files;
    }

    /** The batches resource: {@code client.batches().create(fileId, "/v1/chat/completions", "24h", Map.of())}. */
    public BatchApi batches() {
        return batches;
    }

    /** The base URL that endpoint paths are appended to, e.g. {@code https://host/v1}. */
    public String baseUrl() {
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The model used when a request names none, or null. */
    public String defaultModel() {
        return defaultModel;
    }

    /** A one-line description of the configuration with credentials masked ({@code key_id=ab…9f}). */
    public String describe() {
        return "ChatClient[baseUrl=" + baseUrl() + ", auth=" + (auth == null ? "none" : auth.toString())
                + ", model=" + (defaultModel == null ? "<none>" : defaultModel) + ", maxRetries=" + maxRetries
                + ", maxConcurrentRequests=" + maxConcurrentRequests + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Cancels every call in flight and every waiting retry, stops this client's threads and evicts
     * pooled connections; waits up to 5 s for its threads to end. Idempotent.
     */
    @Override
    public void close() {
        transport.close();
        http.dispatcher().cancelAll();
        executor.shutdown();
        transport.evictConnections();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.evictConnections();
        if (readTimeouts != null) {
            readTimeouts.close();
        }
    }

    /** Whether {@link #close()} has finished stopping this client's threads (for tests). */
    boolean isTerminated() {
        return executor.isTerminated() && (readTimeouts == null || !readTimeouts.isWatching());
    }

    private HttpUrl endpoint(String path) {
        return calls.endpoint(path);
    }

    private Request.Builder request(HttpUrl url, RequestOptions options, String accept) {
        return calls.request(url, options, accept);
    }

    /** The POST to chat/completions for {@code request}: JSON answer, or SSE when {@code stream}. */
    private Request completionsRequest(ChatRequest request, RequestOptions options, boolean stream) {
        byte[] body = Json.chatRequest(request, modelOf(request), stream);
        return request(completionsUrl, options, stream ? "text/event-stream" : "application/json")
                .post(RequestBody.create(body, JSON)).build();
    }

    private String modelOf(ChatRequest request) {
        if (request.model() != null) {
            return request.model();
        }
        if (defaultModel != null) {
            return defaultModel;
        }
        throw new IllegalArgumentException(
                "the ChatRequest names no model and the client has no default (set ChatClient.builder().model(...))");
    }

    private static <T> T await(CompletableFuture<T> future, String call) {
        return Calls.await(future, call);
    }

    /** {@code client.chat()}: holds {@link #completions()}. Thread-safe. */
    public final class Chat {
        private Chat() {
        }

        public Completions completions() {
            return completions;
        }
    }

    /**
     * {@code client.chat().completions()}: creates chat completions, blocking, asynchronously or
     * streamed. Thread-safe.
     */
    public final class Completions {
        /** Reads a completion inside the exchange, so that a truncated or malformed one is retried. */
        private final Transport.BodyReader completion =
                (body, requestId, attempts) -> Json.completion(completionsCall, body, requestId, attempts);

        private Completions() {
        }

        /** Sends the request and waits for the answer; see {@link ChatClient} for interrupts and failures. */
        public ChatCompletion create(ChatRequest request) {
            return create(request, RequestOptions.DEFAULT);
        }

        public ChatCompletion create(ChatRequest request, RequestOptions options) {
            Objects.requireNonNull(options, "options");
            Request http = completionsRequest(request, options, false);
            Transport.Reply r = await(transport.executeOnCaller(completionsCall, http, options, false, completion),
                    completionsCall);
            return (ChatCompletion) r.value();
        }

        /**
         * Asks for an answer shaped as {@code type} (a record, class or enum) and returns it read into
         * that type; see {@link #create(ChatRequest, OutputSchema, Class, RequestOptions)}.
         */
        public <R> StructuredCompletion<R> create(ChatRequest request, Class<R> type) {
            return create(request, OutputSchema.of(type), type, RequestOptions.DEFAULT);
        }

        /**
         * Asks for an answer that conforms to {@code schema} ({@code response_format} json_schema,
         * strict), validates it and reads it as {@code as}. An invalid answer (not JSON, or rejected
         * by the schema) is asked again with the validator's message added to the conversation, up to
         * the request's retries (the client's {@code maxRetries} by default). A server that refuses
         * json_schema with a 400 naming response_format is asked once more with json_object and the
         * schema in a system message.
         *
         * @throws InvalidAnswerException when the last answer is still invalid (it carries the raw text)
         * @throws ChorusException        for every other failure, as {@link #create(ChatRequest, RequestOptions)}
         */
        public <R> StructuredCompletion<R> create(ChatRequest request, OutputSchema schema, Class<R> as,
                                                  RequestOptions options) {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(as, "as");
            int retries = options.maxRetries() != null ? options.maxRetries() : maxRetries;
            boolean fallback = false;
            ChatRequest sent = schema.request(request, false);
            int requests = 0;
            int invalid = 0;
            while (true) {
                ChatCompletion c;
                try {
                    requests++;
                    c = create(sent, options);
                } catch (ChorusException e) {
                    if (!fallback && OutputSchema.refused(e)) {
                        fallback = true;
                        sent = schema.request(request, true);
                        continue;
                    }
                    throw e;
                }
                try {
                    JsonNode json = schema.check(c.content(), c.requestId());
                    return new StructuredCompletion<>(schema.read(json, as), json, c, requests, fallback);
                } catch (InvalidAnswerException e) {
                    if (++invalid > retries) {
                        throw e;
                    }
                    sent = schema.reask(sent, e.raw(), e.problem());
                }
            }
        }

        public CompletableFuture<ChatCompletion> createAsync(ChatRequest request) {
            return createAsync(request, RequestOptions.DEFAULT);
        }

        /**
         * Sends the request without blocking. The future completes on an HTTP thread (do not block in
         * its callbacks), exceptionally with a {@link ChorusException}; {@code cancel(true)} cancels
         * the HTTP call and any pending retry.
         */
        public CompletableFuture<ChatCompletion> createAsync(ChatRequest request, RequestOptions options) {
            Objects.requireNonNull(options, "options");
            Request http = completionsRequest(request, options, false);
            CompletableFuture<Transport.Reply> reply = transport.execute(completionsCall, http, options, false, completion);
            CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
            reply.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                    return;
                }
                try {
                    result.complete((ChatCompletion) r.value());
                } catch (RuntimeException bad) {
                    result.completeExceptionally(bad);
                }
            });
            result.whenComplete((r, e) -> {
                if (result.isCancelled()) {
                    reply.cancel(true);
                }
            });
            return result;
        }

        public ChatStream stream(ChatRequest request) {
            return stream(request, RequestOptions.DEFAULT);
        }

        /**
         * Sends the request with {@code stream: true} (and {@code stream_options.include_usage}) and
         * returns once the response headers arrived; retries happen before the first chunk only.
         */
        public ChatStream stream(ChatRequest request, RequestOptions options) {
            Objects.requireNonNull(options, "options");
            Request http = completionsRequest(request, options, true);
            Transport.Reply r = await(transport.executeOnCaller(completionsCall, http, options, true, null), completionsCall);
            return new ChatStream(completionsCall, r.response(), r.call(), r.requestId());
        }
    }

    /** {@code client.models()}: lists the endpoint's models. Thread-safe. */
    public final class Models {
        private Models() {
        }

        /** {@code GET /models}, blocking. */
        public List<Model> list() {
            HttpUrl url = endpoint("models");
            String call = "GET " + url.encodedPath();
            Request http = request(url, RequestOptions.DEFAULT, "application/json").get().build();
            Transport.Reply r = await(transport.execute(call, http, RequestOptions.DEFAULT, false), call);
            return Json.models(call, r.body(), r.requestId());
        }
    }

    private static HttpUrl parseUrl(String url, String what) {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            throw new IllegalArgumentException(what + " is not an http(s) URL: '" + url + "'");
        }
        return parsed;
    }

    /**
     * Collects the client's settings; not thread-safe. Later calls override earlier ones, so
     * {@code fromEnv()} followed by explicit setters lets code win over the environment.
     */
    public static final class Builder {
        private String baseUrl;
        private String keyId;
        private String secret;
        private String tokenUrl = DEFAULT_TOKEN_URL;
        private String apiKey;
        private String model;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(120);
        private Duration callTimeout = Duration.ZERO;
        private int maxRetries = 2;
        private int maxConcurrentRequests = 4096;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /** The API root, e.g. {@code https://host/v1}; endpoint paths such as {@code chat/completions} are appended. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Evolution IAM credentials; replaces any API key. */
        public Builder evolution(String keyId, String secret) {
            this.keyId = Objects.requireNonNull(keyId, "keyId");
            this.secret = Objects.requireNonNull(secret, "secret");
            this.apiKey = null;
            return this;
        }

        /** The IAM token endpoint (default {@value ChatClient#DEFAULT_TOKEN_URL}). */
        public Builder tokenUrl(String tokenUrl) {
            this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
            return this;
        }

        /** A static key sent as {@code Authorization: Bearer KEY}; replaces Evolution credentials. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            this.keyId = null;
            this.secret = null;
            return this;
        }

        /** Reads the settings from the process environment; see {@link #fromEnv(Map)}. */
        public Builder fromEnv() {
            return fromEnv(System.getenv());
        }

        /**
         * Reads {@code EVOLUTION_KEY_ID} + {@code EVOLUTION_SECRET} (or else {@code OPENAI_API_KEY}),
         * {@code EVOLUTION_BASE_URL} (or else {@code OPENAI_BASE_URL}) and {@code EVOLUTION_TOKEN_URL};
         * blank or missing variables change nothing.
         *
         * @throws IllegalArgumentException when only one of EVOLUTION_KEY_ID and EVOLUTION_SECRET is set
         */
        public Builder fromEnv(Map<String, String> env) {
            String id = value(env, "EVOLUTION_KEY_ID");
            String sec = value(env, "EVOLUTION_SECRET");
            if ((id == null) != (sec == null)) {
                throw new IllegalArgumentException(id == null
                        ? "EVOLUTION_SECRET is set but EVOLUTION_KEY_ID is not"
                        : "EVOLUTION_KEY_ID is set but EVOLUTION_SECRET is not");
            }
            String key = value(env, "OPENAI_API_KEY");
            if (id != null) {
                evolution(id, sec);
            } else if (key != null) {
                apiKey(key);
            }
            String url = value(env, "EVOLUTION_BASE_URL");
            if (url == null) {
                url = value(env, "OPENAI_BASE_URL");
            }
            if (url != null) {
                baseUrl(url);
            }
            String token = value(env, "EVOLUTION_TOKEN_URL");
            if (token != null) {
                tokenUrl(token);
            }
            return this;
        }

        private static String value(Map<String, String> env, String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        /** The model for requests that name none. */
        public Builder model(String defaultModel) {
            this.model = defaultModel;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = nonNegative(timeout, "connectTimeout");
            return this;
        }

        /** The longest silence while reading a response (and writing a request); zero means none. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = nonNegative(timeout, "readTimeout");
            return this;
        }

        /** The whole-call limit of each attempt; zero (the default) means none. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = nonNegative(timeout, "callTimeout");
            return this;
        }

        /** Retries after the first attempt for 408, 409, 429, 5xx, timeouts and connection failures (default 2). */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * The most HTTP calls in flight at once, in total and per host (default 4096); more wait in a
         * queue. Asynchronous calls and blocking calls made on virtual threads (which run on the
         * caller) are counted separately, each against this limit.
         */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            if (maxConcurrentRequests <= 0) {
                throw new IllegalArgumentException("maxConcurrentRequests must be positive, got "
                        + maxConcurrentRequests);
            }
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        /** Test hook: waits out backoffs. */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** Test hook: the clock for token expiry and Retry-After dates. */
        Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        private static Duration nonNegative(Duration d, String what) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }

        private HttpUrl parsedBaseUrl() {
            String url = baseUrl != null ? baseUrl : apiKey != null ? OPENAI_BASE_URL : null;
            if (url == null) {
                throw new IllegalStateException("ChatClient needs a base URL: call baseUrl(...) or set "
                        + "EVOLUTION_BASE_URL / OPENAI_BASE_URL and use fromEnv()");
            }
            HttpUrl parsed = parseUrl(url, "baseUrl");
            List<String> segments = parsed.pathSegments();
            if (segments.size() > 0 && segments.get(segments.size() - 1).isEmpty()) {
                parsed = parsed.newBuilder().removePathSegment(segments.size() - 1).build();
            }
            return parsed;
        }

        /**
         * Creates the client; it owns threads and connections until {@link ChatClient#close()}.
         *
         * @throws IllegalStateException    when no base URL is known
         * @throws IllegalArgumentException when a URL does not parse
         */
        public ChatClient build() {
            return new ChatClient(this);
        }

        @Override
        public String toString() {
            return "ChatClient.Builder[baseUrl=" + baseUrl + ", auth="
                    + (keyId != null ? "evolution key_id=" + Secrets.mask(keyId)
                    : apiKey != null ? "api key " + Secrets.mask(apiKey) : "none") + "]";
        }
    }
}
