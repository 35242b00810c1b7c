package dev.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sockets of {@link ReadTimeouts} at the stream level, against a loopback server: a flush that
 * ends a request waits for the answer's first byte and hands it to the next read.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReadTimeoutsTest {
    private ServerSocket server;
    private ReadTimeouts timeouts;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        timeouts = new ReadTimeouts(Duration.ofSeconds(5), "test-read-timeouts");
    }

    @AfterEach
    void close() throws IOException {
        timeouts.close();
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = timeouts.socketFactory().createSocket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        return s;
    }

    /** Serves one connection on another thread: reads {@code expect} bytes, waits for {@code go}, then answers. */
    private CompletableFuture<Void> serve(int expect, CountDownLatch go, byte[] answer, AtomicReference<String> got) {
        return CompletableFuture.runAsync(() -> {
            try (Socket peer = server.accept()) {
                byte[] request = peer.getInputStream().readNBytes(expect);
                got.set(new String(request, StandardCharsets.US_ASCII));
                go.await();
                if (answer != null) {
                    peer.getOutputStream().write(answer);
                    peer.getOutputStream().flush();
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void aFlushThatEndsARequestWaitsForTheAnswerAndTheNextReadGetsAllOfIt() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<String> got = new AtomicReference<>();
        byte[] answer = "HTTP/1.1 200 OK\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> peer = serve(4, go, answer, got);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // The server has the request but has not answered: the flush is still waiting.
            while (got.get() == null) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            assertFalse(flushed.isDone(), "flush returned before any answer");
            go.countDown();
            flushed.get(5, TimeUnit.SECONDS);
            peer.get(5, TimeUnit.SECONDS);
            assertEquals("ping", got.get());
            InputStream in = s.getInputStream();
            assertEquals(answer.length, in.available(), "the kept byte counts as available");
            assertArrayEquals(answer, in.readNBytes(answer.length));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aFlushWithNothingWrittenSinceTheLastReadDoesNotWait() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<String> got = new AtomicReference<>();
        CompletableFuture<Void> peer = serve(1, go, new byte[] {42}, got);
        try (Socket s = connect()) {
            s.getOutputStream().flush();   // nothing written yet: returns at once
            s.getOutputStream().write('x');
            go.countDown();
            s.getOutputStream().flush();   // waits for the answer
            assertEquals(42, s.getInputStream().read());
            s.getOutputStream().flush();   // the answer was read: returns at once
            peer.get(5, TimeUnit.SECONDS);
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void anAnswerThatIsAClosedConnectionReadsAsTheEndOfTheStream() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        CompletableFuture<Void> peer = serve(2, go, null, new AtomicReference<>());
        try (Socket s = connect()) {
            s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            peer.get(5, TimeUnit.SECONDS);
            assertEquals(-1, s.getInputStream().read(new byte[8], 0, 8));
        }
    }

    @Test
    void anAnswerThatNeverComesFailsTheFlushAsAReadTimeout() throws Exception {
        timeouts.close();
        timeouts = new ReadTimeouts(Duration.ofMillis(200), "test-read-timeouts");
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<Void> peer = serve(2, never, null, new AtomicReference<>());
        try (Socket s = connect()) {
            s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> s.getOutputStream().flush());
            assertEquals("read blocked longer than 200 ms", e.getMessage());
            assertTrue(s.isClosed());
        } finally {
            never.countDown();
            peer.handle((v, t) -> null).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void interruptingAVirtualThreadThatWaitsInFlushFailsItAndClosesTheSocket() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<String> got = new AtomicReference<>();
        CompletableFuture<Void> peer = serve(2, never, null, got);
        try (Socket s = connect()) {
            s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            while (got.get() == null) {
                Thread.sleep(5);
            }
            Thread.sleep(50);
            t.interrupt();
            t.join(5000);
            assertFalse(t.isAlive());
            assertInstanceOf(IOException.class, failure.get());
            assertTrue(s.isClosed());
        } finally {
            never.countDown();
            peer.handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        }
    }
}
