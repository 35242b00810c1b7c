package dev.chorus.sandbox.internal;

import dev.chorus.sandbox.Behavior;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Netty server behind {@link dev.chorus.sandbox.Sandbox}: binds 127.0.0.1, owns its daemon
 * event-loop threads and every accepted connection, and holds the shared state (behaviour,
 * counters, tokens). Thread-safe. Not API.
 */
public final class Server {

    private static final int MAX_BODY = 16 * 1024 * 1024;

    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Channel listener;
    private final int port;
    private final Counters counters = new Counters();
    private final Tokens tokens = new Tokens();
    private final AtomicLong ordinal = new AtomicLong();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicLong phrases = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Behavior behavior;
    private volatile Thread loopThread;
    private final FileStore files = new FileStore();
    private final BatchJobs batches = new BatchJobs(files, this);

    private Server(Behavior behavior) {
        this.behavior = behavior;
        // One event-loop thread accepts and serves every connection: the work per request is a
        // few microseconds, delays are scheduled, and a lone loop (unlike a Netty group) reports
        // its termination without starting Netty's global executor thread, so close() leaves
        // no thread behind.
        DefaultThreadFactory threads = new DefaultThreadFactory("chorus-sandbox", true);
        this.group = new SingleThreadIoEventLoop(null, task -> {
            Thread t = threads.newThread(task);
            loopThread = t;
            return t;
        }, NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup("chorus-sandbox", group.next());
        Server self = this;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new FileUploads(self),
                                new HttpObjectAggregator(MAX_BODY), new RequestHandler(self));
                    }
                });
        try {
            this.listener = bootstrap.bind(new InetSocketAddress("127.0.0.1", behavior.port()))
                    .syncUninterruptibly().channel();
        } catch (Exception e) {
            // Netty rethrows the checked BindException unwrapped.
            shutdown();
            batches.close();
            files.close();
            IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
            throw new UncheckedIOException("cannot bind the sandbox to 127.0.0.1:" + behavior.port()
                    + ": " + e.getMessage(), io);
        }
        this.port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Binds and starts serving. @throws UncheckedIOException when the port cannot be bound */
    public static Server start(Behavior behavior) {
        return new Server(behavior);
    }

    public int port() {
        return port;
    }

    public Behavior behavior() {
        return behavior;
    }

    public void behavior(Behavior behavior) {
        this.behavior = behavior;
    }

    public Counters counters() {
        return counters;
    }

    Tokens tokens() {
        return tokens;
    }

    FileStore files() {
        return files;
    }

    BatchJobs batches() {
        return batches;
    }

    long nextOrdinal() {
        return ordinal.getAndIncrement();
    }

    String nextRequestId() {
        return Long.toHexString(requestIds.incrementAndGet());
    }

    long nextPhrase() {
        return phrases.getAndIncrement();
    }

    /** Closes the listener and every connection, then ends the threads; idempotent. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdown();
        batches.close();
        files.close();
    }

    /** Ends the event loop and waits until its thread has died, not merely finished its loop. */
    private void shutdown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        Thread t = loopThread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
