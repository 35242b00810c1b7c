package dev.chorus.sandbox.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code POST /v1/files}: a multipart upload ({@code purpose}, {@code file}) streamed to disk as it
 * arrives, so that a file of hundreds of megabytes never sits in memory and never meets the
 * aggregator's size limit. Sits before the aggregator in each connection's pipeline and passes
 * every other request on. One instance per connection, confined to the event loop.
 */
final class FileUploads extends ChannelInboundHandlerAdapter {
    private static final DefaultHttpDataFactory DISK = new DefaultHttpDataFactory(true);

    private final Server server;
    private HttpPostRequestDecoder decoder;
    private HttpRequest request;
    private ApiError refused;

    FileUploads(Server server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r && decoder == null && refused == null && r.method().equals(HttpMethod.POST)
                && new QueryStringDecoder(r.uri()).path().equals("/v1/files")) {
            start(r);
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if ((decoder != null || refused != null) && msg instanceof HttpContent c) {
            try {
                if (decoder != null && refused == null) {
                    decoder.offer(c);
                }
                if (c instanceof LastHttpContent) {
                    finish(ctx);
                }
            } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
                refused = ApiError.invalid("file", "The upload is not valid multipart/form-data: " + e.getMessage());
                if (c instanceof LastHttpContent) {
                    finish(ctx);
                }
            } finally {
                ReferenceCountUtil.release(c);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void start(HttpRequest r) {
        request = r;
        server.counters().request(Route.FILES);
        try {
            if (server.behavior().requireAuth()) {
                RequestHandler.authorize(server, r.headers());
            }
            decoder = new HttpPostRequestDecoder(DISK, r);
        } catch (ApiError e) {
            refused = e;
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            refused = ApiError.invalid("file", "The upload must be multipart/form-data: " + e.getMessage());
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        int status = 200;
        byte[] body;
        try {
            if (refused != null) {
                throw refused;
            }
            String purpose = null;
            FileUpload file = null;
            for (InterfaceHttpData d : decoder.getBodyHttpDatas()) {
                if (d instanceof Attribute a && a.getName().equals("purpose")) {
                    purpose = a.getValue();
                } else if (d instanceof FileUpload f && f.getName().equals("file")) {
                    file = f;
                }
            }
            if (purpose == null || purpose.isBlank()) {
                throw ApiError.invalid("purpose", "Missing required parameter: 'purpose'.");
            }
            if (file == null) {
                throw ApiError.invalid("file", "Missing required parameter: 'file'.");
            }
            Path part = server.files().newPath();
            if (file.isInMemory()) {
                Files.write(part, file.get());
            } else if (!file.renameTo(part.toFile())) {
                Files.copy(file.getFile().toPath(), part);
            }
            body = Json.bytes(server.files().add(part, file.getFilename(), purpose).json());
        } catch (ApiError e) {
            status = e.status;
            body = e.body();
        } catch (IOException e) {
            status = 500;
            body = ApiError.body("The sandbox could not store the file: " + e.getMessage(), "server_error",
                    "internal_error", null);
        } finally {
            if (decoder != null) {
                decoder.destroy();
            }
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        decoder = null;
        request = null;
        refused = null;
        DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, Exchange.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(Exchange.X_REQUEST_ID, server.nextRequestId());
        if (!keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (decoder != null) {
            decoder.destroy();
            decoder = null;
        }
        super.channelInactive(ctx);
    }
}
