package dev.chorus.sandbox.internal;

import dev.chorus.sandbox.DurationText;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Routes requests of one connection, applies latency and faults, and answers. One instance per
 * channel, confined to its event-loop thread; never blocks (delays are scheduled).
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final AsciiString X_SANDBOX_LATENCY = AsciiString.cached("x-sandbox-latency");
    static final AsciiString X_SANDBOX_FAULT = AsciiString.cached("x-sandbox-fault");
    static final AsciiString X_SANDBOX_CHUNK_DELAY = AsciiString.cached("x-sandbox-chunk-delay");

    private static final byte[] MALFORMED = "{\"id\":\"chatcmpl-malformed\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Echo"
            .getBytes(StandardCharsets.UTF_8);
    private static final String MALFORMED_EVENT =
            "data: {\"id\":\"chatcmpl-malformed\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"Ech\n\n";

    private final Server server;
    private final List<Exchange> open = new ArrayList<>(1);

    RequestHandler(Server server) {
        this.server = server;
    }

    void finished(Exchange ex) {
        open.remove(ex);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (Exchange ex : List.copyOf(open)) {
            if (ex.hang != null) {
                ex.hang.cancel(false);
            }
            ex.finish();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            ctx.close();
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        Route route = Route.of(query.path());
        server.counters().request(route);
        byte[] body = req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : EMPTY;
        Exchange ex = new Exchange(ctx, this, route, req.method().name(), req.uri(), query,
                req.headers(), body, HttpUtil.isKeepAlive(req), server.nextRequestId(), server);
        open.add(ex);
        try {
            Behavior b = server.behavior();
            HttpHeaders h = req.headers();
            long delay = 0;
            Fault fault = null;
            if (route.openAi()) {
                Draw draw = Draw.of(b, server.nextOrdinal());
                delay = draw.delayNanos();
                fault = draw.fault();
            }
            String latencyHeader = h.get(X_SANDBOX_LATENCY);
            if (latencyHeader != null) {
                delay = headerDuration("X-Sandbox-Latency", latencyHeader).toNanos();
            }
            String faultHeader = h.get(X_SANDBOX_FAULT);
            if (faultHeader != null) {
                fault = faultHeader.trim().equalsIgnoreCase("none") ? null : headerFault(faultHeader);
            }
            String chunkHeader = h.get(X_SANDBOX_CHUNK_DELAY);
            ex.chunkDelayNanos = chunkHeader != null
                    ? headerDuration("X-Sandbox-Chunk-Delay", chunkHeader).toNanos()
                    : b.chunkDelay().toNanos();
            ex.fault = fault;
            if (delay > 0) {
                ctx.executor().schedule(() -> dispatch(ex, b), delay, TimeUnit.NANOSECONDS);
            } else {
                dispatch(ex, b);
            }
        } catch (ApiError e) {
            ex.sendError(e);
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private static Duration headerDuration(String name, String value) {
        try {
            return DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_request_error", "invalid_header", null,
                    "Invalid " + name + " header: " + e.getMessage());
        }
    }

    private static Fault headerFault(String value) {
        try {
            return Fault.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_request_error", "invalid_header", null,
                    "Invalid X-Sandbox-Fault header: '" + value.trim()
                            + "' (expected one of " + Fault.NAMES + ", none)");
        }
    }

    private void dispatch(Exchange ex, Behavior b) {
        if (!ex.active()) {
            ex.finish();
            return;
        }
        try {
            if (ex.route.auth() && b.requireAuth()) {
                authorize(server, ex.headers);
            }
            if (ex.fault != null) {
                inject(ex, b);
                return;
            }
            switch (ex.route) {
                case CHAT -> chat(ex, b);
                case MODELS -> models(ex);
                case FILES -> FilesApi.answer(ex, server.files());
                case BATCHES -> batches(ex);
                case TOKEN -> token(ex, b);
                default -> Httpbin.answer(ex);
            }
        } catch (ApiError e) {
            ex.sendError(e);
        }
    }

    /** Checks the bearer token of a request to an authorised route; throws a 401 {@link ApiError}. */
    static void authorize(Server server, HttpHeaders headers) {
        String h = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || h.length() <= 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.substring(7).isBlank()) {
            throw ApiError.unauthorized("Missing bearer token: send 'Authorization: Bearer <token>' with an "
                    + "access token from /api/v1/auth/token or a static key starting with 'sk-'.");
        }
        String token = h.substring(7).trim();
        if (token.startsWith("sk-") && token.length() > 3) {
            return;
        }
        switch (server.tokens().check(token)) {
            case VALID -> { }
            case EXPIRED -> throw ApiError.unauthorized(
                    "The access token has expired: request a new one from /api/v1/auth/token.");
            default -> throw ApiError.unauthorized("Invalid bearer token: neither an access token issued "
                    + "by /api/v1/auth/token nor a static key starting with 'sk-'.");
        }
    }

    private void inject(Exchange ex, Behavior b) {
        Fault f = ex.fault;
        server.counters().fault(f);
        switch (f) {
            case RATE_LIMIT_429 -> {
                long millis = b.retryAfter().toMillis();
                long seconds = (millis + 999) / 1000;
                HttpHeaders extra = new DefaultHttpHeaders()
                        .set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds))
                        .set("retry-after-ms", Long.toString(millis));
                ex.send(HttpResponseStatus.TOO_MANY_REQUESTS, Exchange.JSON, ApiError.body(
                        "Rate limit reached (sandbox fault injection): retry after " + seconds + " s.",
                        "rate_limit_error", "rate_limit_exceeded", null), extra);
            }
            case SERVER_500 -> ex.sendJson(500, ApiError.serverError());
            case UNAVAILABLE_503 -> ex.sendJson(503, ApiError.unavailable());
            case HANG -> ex.hang(b.hangLimit().toNanos());
            case MALFORMED_JSON -> {
                if (ex.route == Route.CHAT && wantsStream(ex)) {
                    ex.stream(List.of(MALFORMED_EVENT, "data: [DONE]\n\n"), -1);
                } else {
                    ex.send(HttpResponseStatus.OK, Exchange.JSON, MALFORMED, null);
                }
            }
            case INVALID_JSON -> {
                if (ex.route == Route.CHAT) {
                    answer(ex, ChatAnswer.of(ex.body, true, b.jsonSchema()));
                } else {
                    ex.send(HttpResponseStatus.OK, Exchange.JSON, MALFORMED, null);
                }
            }
            case DROP_CONNECTION -> {
                if (ex.route == Route.CHAT && wantsStream(ex)) {
                    List<String> events = ChatAnswer.of(ex.body).sseEvents("chatcmpl-" + ex.requestId, now());
                    ex.stream(events, Math.max(1, events.size() / 2));
                } else {
                    byte[] full = ex.route == Route.CHAT
                            ? ChatAnswer.of(ex.body).completionJson("chatcmpl-" + ex.requestId, now())
                            : Json.bytes(Httpbin.echo(ex, true));
                    ex.drop(Exchange.JSON, full);
                }
            }
        }
    }

    private static boolean wantsStream(Exchange ex) {
        var node = Json.parseOrNull(ex.body);
        return node != null && node.path("stream").asBoolean(false);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private void chat(Exchange ex, Behavior b) {
        if (!ex.method.equals("POST")) {
            throw ApiError.methodNotAllowed(ex.method, ex.path(), "POST");
        }
        answer(ex, ChatAnswer.of(ex.body, false, b.jsonSchema()));
    }

    private void answer(Exchange ex, ChatAnswer answer) {
        String id = "chatcmpl-" + ex.requestId;
        if (answer.stream()) {
            ex.stream(answer.sseEvents(id, now()), -1);
        } else {
            ex.sendJson(200, answer.completionJson(id, now()));
        }
    }

    private static final byte[] MODELS = Json.bytes(Json.MAPPER.createObjectNode()
            .put("object", "list")
            .set("data", Json.MAPPER.createArrayNode()
                    .add(model("sandbox-echo"))
                    .add(model("sandbox-small"))
                    .add(model("default"))));

    private static com.fasterxml.jackson.databind.node.ObjectNode model(String id) {
        return Json.MAPPER.createObjectNode().put("id", id).put("object", "model")
                .put("created", 0).put("owned_by", "chorus-sandbox");
    }

    private void batches(Exchange ex) {
        BatchJobs jobs = server.batches();
        String rest = ex.path().substring("/v1/batches".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (ex.method.equals("POST")) {
                ex.sendJson(200, Json.bytes(jobs.create(Json.parseOrNull(ex.body))));
            } else if (ex.method.equals("GET")) {
                int limit = 20;
                String l = ex.query.parameters().getOrDefault("limit", List.of("20")).get(0);
                try {
                    limit = Math.max(1, Math.min(100, Integer.parseInt(l)));
                } catch (NumberFormatException e) {
                    throw ApiError.invalid("limit", "limit must be a whole number, got '" + l + "'.");
                }
                List<String> after = ex.query.parameters().get("after");
                ex.sendJson(200, Json.bytes(jobs.list(limit, after == null ? null : after.get(0))));
            } else {
                throw ApiError.methodNotAllowed(ex.method, ex.path(), "GET or POST");
            }
            return;
        }
        String[] parts = rest.substring(1).split("/");
        if (parts.length == 1 && ex.method.equals("GET")) {
            ex.sendJson(200, Json.bytes(jobs.get(parts[0])));
        } else if (parts.length == 2 && parts[1].equals("cancel") && ex.method.equals("POST")) {
            ex.sendJson(200, Json.bytes(jobs.cancel(parts[0])));
        } else {
            throw ApiError.notFound("No route " + ex.method + " " + ex.path() + ".");
        }
    }

    private void models(Exchange ex) {
        if (!ex.method.equals("GET")) {
            throw ApiError.methodNotAllowed(ex.method, ex.path(), "GET");
        }
        ex.sendJson(200, MODELS);
    }

    private void token(Exchange ex, Behavior b) {
        if (!ex.method.equals("POST")) {
            throw ApiError.methodNotAllowed(ex.method, ex.path(), "POST");
        }
        var node = Json.parseOrNull(ex.body);
        if (node == null || !node.isObject() || !node.path("keyId").isTextual() || !node.path("secret").isTextual()) {
            throw ApiError.invalid(null, "The request body must be JSON {\"keyId\": \"…\", \"secret\": \"…\"}.");
        }
        if (!same(node.get("keyId").asText(), b.keyId()) || !same(node.get("secret").asText(), b.secret())) {
            throw new ApiError(401, "invalid_request_error", "invalid_credentials", null,
                    "Invalid keyId or secret.");
        }
        long lifetime = b.tokenLifetime().toNanos();
        String token = server.tokens().issue(lifetime);
        server.counters().tokenIssued();
        long seconds = b.tokenLifetime().toSeconds();
        var out = Json.MAPPER.createObjectNode()
                .put("access_token", token)
                .put("expires_in", seconds)
                .put("refresh_expires_in", seconds)
                .put("token_type", "Bearer")
                .put("scope", "sandbox");
        ex.sendJson(200, Json.bytes(out));
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
