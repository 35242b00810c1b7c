package dev.chorus.sandbox.internal;

import dev.chorus.sandbox.Fault;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One request being answered: what was asked, and the ways to answer it. Confined to the
 * channel's event-loop thread; {@link #finish()} runs at most once, when the answer is written or
 * the connection is gone.
 */
final class Exchange {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString JSON = AsciiString.cached("application/json");
    static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream; charset=utf-8");

    final ChannelHandlerContext ctx;
    final RequestHandler handler;
    final Route route;
    final String method;
    final String uri;
    final QueryStringDecoder query;
    final HttpHeaders headers;
    final byte[] body;
    final boolean keepAlive;
    final String requestId;
    final Server server;

    Fault fault;
    long chunkDelayNanos;
    ScheduledFuture<?> hang;
    private boolean finished;

    Exchange(ChannelHandlerContext ctx, RequestHandler handler, Route route, String method, String uri,
             QueryStringDecoder query, HttpHeaders headers, byte[] body, boolean keepAlive,
             String requestId, Server server) {
        this.ctx = ctx;
        this.handler = handler;
        this.route = route;
        this.method = method;
        this.uri = uri;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.keepAlive = keepAlive;
        this.requestId = requestId;
        this.server = server;
    }

    String path() {
        return query.path();
    }

    boolean active() {
        return ctx.channel().isActive();
    }

    /** Marks the exchange answered (or abandoned); idempotent. */
    void finish() {
        if (!finished) {
            finished = true;
            handler.finished(this);
            server.counters().finished();
        }
    }

    void sendJson(int status, byte[] json) {
        send(HttpResponseStatus.valueOf(status), JSON, json, null);
    }

    void sendError(ApiError e) {
        send(HttpResponseStatus.valueOf(e.status), JSON, e.body(), null);
    }

    void send(HttpResponseStatus status, CharSequence contentType, byte[] content, HttpHeaders extra) {
        if (!active()) {
            finish();
            return;
        }
        ByteBuf buf = content.length == 0 ? Unpooled.EMPTY_BUFFER
                : ctx.alloc().buffer(content.length).writeBytes(content);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        HttpHeaders h = r.headers();
        if (contentType != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        h.set(X_REQUEST_ID, requestId);
        if (extra != null) {
            h.add(extra);
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        // Counted as answered before the write, so a client that has read the answer never
        // sees it still in flight.
        finish();
        var future = ctx.writeAndFlush(r);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends a file from disk as {@code application/octet-stream}, zero-copy, never read into memory. */
    void sendFile(java.nio.file.Path path, long size) {
        if (!active()) {
            finish();
            return;
        }
        io.netty.handler.codec.http.DefaultHttpResponse r = new io.netty.handler.codec.http.DefaultHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        h.set(HttpHeaderNames.CONTENT_LENGTH, size);
        h.set(X_REQUEST_ID, requestId);
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        finish();
        ctx.write(r);
        ctx.write(new io.netty.channel.DefaultFileRegion(path.toFile(), 0, size));
        var future = ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Streams SSE events, pausing {@link #chunkDelayNanos} between them on the event loop. With
     * {@code dropAfter >= 0}, closes the connection after that many events instead of ending.
     */
    void stream(List<String> events, int dropAfter) {
        if (!active()) {
            finish();
            return;
        }
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(X_REQUEST_ID, requestId);
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(r);
        writeEvents(events, 0, dropAfter);
    }

    private void writeEvents(List<String> events, int from, int dropAfter) {
        if (!active()) {
            finish();
            return;
        }
        for (int i = from; i < events.size(); i++) {
            if (dropAfter >= 0 && i >= dropAfter) {
                ctx.flush();
                finish();
                ctx.close();
                return;
            }
            byte[] bytes = events.get(i).getBytes(StandardCharsets.UTF_8);
            ctx.write(new DefaultHttpContent(ctx.alloc().buffer(bytes.length).writeBytes(bytes)));
            if (chunkDelayNanos > 0 && i + 1 < events.size()) {
                ctx.flush();
                int next = i + 1;
                ctx.executor().schedule(() -> writeEvents(events, next, dropAfter),
                        chunkDelayNanos, TimeUnit.NANOSECONDS);
                return;
            }
        }
        finish();
        var future = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Writes the headers announcing {@code full.length} bytes, then half of them, then closes. */
    void drop(CharSequence contentType, byte[] full) {
        if (!active()) {
            finish();
            return;
        }
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, full.length)
                .set(X_REQUEST_ID, requestId);
        ctx.write(r);
        int half = full.length / 2;
        ctx.write(new DefaultHttpContent(ctx.alloc().buffer(half).writeBytes(full, 0, half)));
        ctx.flush();
        finish();
        ctx.close();
    }

    /** Holds the request unanswered; the connection is closed after {@code nanos}. */
    void hang(long nanos) {
        hang = ctx.executor().schedule(() -> {
            finish();
            ctx.close();
        }, nanos, TimeUnit.NANOSECONDS);
    }
}
