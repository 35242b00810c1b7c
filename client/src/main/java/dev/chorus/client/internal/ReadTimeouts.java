package dev.chorus.client.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.SocketFactory;

/**
 * The read and write timeouts of a client's plain-HTTP sockets, kept by one watchdog thread instead
 * of per operation.
 *
 * <p>Why: okio enforces OkHttp's read and write timeouts with a JVM-wide lock that every socket
 * read and write takes on entry and exit, plus a priority queue of deadlines. At fan-out
 * concurrency (hundreds of calls on two carrier threads) that lock and its queue were the largest
 * single cost per request. Here a read or write only stamps its start time in a field of its
 * socket; a virtual thread wakes every {@code timeout / 8} (10 ms to 1 s), and closes a socket whose
 * read or write has been blocked longer than the timeout. The blocked operation then fails with a
 * {@link SocketTimeoutException}, as okio's timeout would. A timeout fires between {@code timeout}
 * and {@code timeout + tick} after the operation started.
 *
 * <p>The sockets also change where a call waits for its answer: a flush after bytes were written
 * ends a request, and it blocks until the answer's first byte arrives (a read, for the timeout),
 * which the next read returns. okio takes an 8 KB buffer segment before every blocking read and
 * holds it while the thread is parked; waiting in the flush instead holds none, which at fan-out
 * concurrency saved a fresh segment per request (okio pools 16 for the whole JVM on two cores) and
 * 8 KB per request in flight for the collector to copy. This assumes that a request body is
 * written whole before its answer is read, as for this client's byte-array bodies over HTTP/1.1.
 *
 * <p>Only for cleartext HTTP/1.1, where a socket is only read while a call waits for its answer.
 * (An HTTP/2 connection is read all the time by its reader thread, idle or not, so a watchdog on
 * its socket would close idle connections; TLS clients keep OkHttp's own timeouts.)
 *
 * <p>Thread-safe. The watchdog thread starts with the first socket and ends at {@link #close()}.
 */
public final class ReadTimeouts implements AutoCloseable {
    private final long timeoutNanos;
    private final long tickNanos;
    private final String threadName;
    private final Set<Watched> sockets = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private Thread watchdog;
    private boolean closed;

    /** @param timeout the longest a single read or write may block; positive */
    public ReadTimeouts(Duration timeout, String threadName) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeoutNanos = timeout.toNanos();
        this.tickNanos = Math.clamp(timeoutNanos / 8, 10_000_000L, 1_000_000_000L);
        this.threadName = threadName;
    }

    /** Creates the sockets OkHttp connects: plain sockets whose streams report to this watchdog. */
    public SocketFactory socketFactory() {
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return register(new Watched());
            }

            // OkHttp only calls createSocket(); the connecting variants are part of the contract.
            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
            }

            private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
                Socket s = createSocket();
                if (local != null) {
                    s.bind(local);
                }
                s.connect(remote);
                return s;
            }
        };
    }

    /** Stops the watchdog thread and waits for it; sockets stay open (their owner closes them). Idempotent. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            t = watchdog;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
            Threads.joinUninterruptibly(t);
        }
    }

    /** Whether the watchdog thread is running (for tests). */
    public boolean isWatching() {
        lock.lock();
        try {
            return watchdog != null && watchdog.isAlive();
        } finally {
            lock.unlock();
        }
    }

    private Socket register(Watched s) {
        sockets.add(s);
        lock.lock();
        try {
            if (watchdog == null && !closed) {
                watchdog = Thread.ofVirtual().name(threadName).start(this::watch);
            }
        } finally {
            lock.unlock();
        }
        return s;
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(Duration.ofNanos(tickNanos));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched s : sockets) {
                s.check(now);
            }
        }
    }

    /**
     * A plain socket whose reads and writes stamp their start. A stamp of 0 means no operation is
     * blocked; {@code System.nanoTime()} may be 0 or negative, so a started operation stores at
     * least 1 (the one-nanosecond error is irrelevant at millisecond timeouts).
     */
    private final class Watched extends Socket {
        private static final int NONE = -2;
        private static final int END = -1;
        private volatile long readingSince;
        private volatile long writingSince;
        /** "read" or "write" once the watchdog closed this socket, else null. */
        private volatile String timedOut;
        private InputStream input;
        private OutputStream output;
        /**
         * The first byte of the answer, read while the request's flush waited for it: a byte,
         * {@link #END} (the peer closed), or {@link #NONE}. The streams of one connection are used by
         * one call at a time, handed over through OkHttp's connection pool.
         */
        private int peeked = NONE;
        /** Whether bytes were written since the last read: the next flush ends a request. */
        private boolean requestPending;

        void check(long now) {
            long r = readingSince;
            long w = writingSince;
            boolean reading = r != 0 && now - r > timeoutNanos;
            if (reading || (w != 0 && now - w > timeoutNanos)) {
                timedOut = reading ? "read" : "write";
                sockets.remove(this);
                try {
                    super.close();
                } catch (IOException ignored) {
                    // Closing is best effort; the blocked operation fails either way.
                }
            }
        }

        private static long stamp() {
            long t = System.nanoTime();
            return t == 0 ? 1 : t;
        }

        private IOException failure(IOException e) {
            String op = timedOut;
            if (op == null) {
                return e;
            }
            SocketTimeoutException t = new SocketTimeoutException(
                    op + " blocked longer than " + Failures.human(Duration.ofNanos(timeoutNanos)));
            t.initCause(e);
            return t;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    /** Through {@link #read(byte[], int, int)}: okio reads into its segments, never a byte at a time. */
                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        requestPending = false;
                        int p = peeked;
                        if (p != NONE && len > 0) {
                            peeked = NONE;
                            if (p == END) {
                                return -1;
                            }
                            b[off] = (byte) p;
                            return 1 + readAvailable(b, off + 1, len - 1);
                        }
                        readingSince = stamp();
                        try {
                            return in.read(b, off, len);
                        } catch (IOException e) {
                            throw failure(e);
                        } finally {
                            readingSince = 0;
                        }
                    }

                    /** What arrived with the peeked byte, without blocking; 0 on an error (the next read reports it). */
                    private int readAvailable(byte[] b, int off, int len) {
                        try {
                            int ready = len == 0 ? 0 : in.available();
                            return ready <= 0 ? 0 : Math.max(0, in.read(b, off, Math.min(len, ready)));
                        } catch (IOException e) {
                            return 0;
                        }
                    }

                    @Override
                    public int available() throws IOException {
                        return (peeked >= 0 ? 1 : 0) + in.available();
                    }
                };
            }
            return input;
        }

        /**
         * Blocks until the answer to the request just written starts to arrive, and keeps its first
         * byte for the next read. okio takes an 8 KB buffer segment before each blocking read and
         * holds it while the thread waits: at fan-out concurrency that is one fresh segment per
         * request (okio pools 16 for the whole JVM on two cores) and 8 KB more per request in flight
         * for the collector to copy. Waiting here, after the request is flushed and before OkHttp
         * reads, holds nothing. Counts as a read for the timeout.
         */
        private void awaitAnswer(InputStream raw) throws IOException {
            requestPending = false;
            if (peeked != NONE) {
                return;
            }
            readingSince = stamp();
            try {
                int b = raw.read();
                peeked = b < 0 ? END : b;
            } catch (IOException e) {
                throw failure(e);
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    /** Through {@link #write(byte[], int, int)}: okio writes its segments, never a byte at a time. */
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        writingSince = stamp();
                        try {
                            out.write(b, off, len);
                            requestPending = true;
                        } catch (IOException e) {
                            throw failure(e);
                        } finally {
                            writingSince = 0;
                        }
                    }

                    /** A flush ends a request (HTTP/1.1, bodies written whole): waits for its answer. */
                    @Override
                    public void flush() throws IOException {
                        out.flush();
                        if (requestPending && !isClosed() && !isOutputShutdown()) {
                            awaitAnswer(Watched.super.getInputStream());
                        }
                    }
                };
            }
            return output;
        }

        @Override
        public void close() throws IOException {
            sockets.remove(this);
            super.close();
        }
    }
}
