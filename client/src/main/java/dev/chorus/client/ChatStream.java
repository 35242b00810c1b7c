package dev.chorus.client;

import dev.chorus.client.internal.Failures;
import dev.chorus.client.internal.Json;
import dev.chorus.client.internal.SseReader;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import okhttp3.Call;
import okhttp3.Response;

/**
 * A streamed chat completion: iterate it once for its {@link ChatChunk}s as the server sends them;
 * {@link #text()} and {@link #usage()} hold what arrived so far.
 *
 * <p>Not thread-safe: one thread iterates; {@link #close()} may be called from any thread and
 * cancels the HTTP call, so a reader blocked in {@code hasNext()} ends with
 * {@link ChorusCancelledException} (as does interrupting a virtual thread that reads: the JDK
 * then closes its socket). The caller closes it (try-with-resources). An error the server
 * reports mid-stream, a malformed event or a lost connection is thrown from the iterator.
 */
public final class ChatStream implements Iterable<ChatChunk>, AutoCloseable {
    private final Response response;
    private final Call call;
    private final String name;
    private final String requestId;
    private final SseReader reader;
    private final StringBuilder text = new StringBuilder();
    private volatile Usage usage;
    private volatile boolean closed;
    /** True once the server's stream ended normally ({@code [DONE]} or the end of the body). */
    private volatile boolean finished;
    /** True while the iterating thread is inside a read; okio forbids closing the body under it. */
    private volatile boolean reading;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean iterated;

    ChatStream(String name, Response response, Call call, String requestId) {
        this.name = name;
        this.response = response;
        this.call = call;
        this.requestId = requestId;
        this.reader = new SseReader(response.body().source());
    }

    /** The server's {@code x-request-id}, or null. */
    public String requestId() {
        return requestId;
    }

    /** The text of all chunks read so far. */
    public String text() {
        return text.toString();
    }

    /** The usage from the final chunk, or null until it has been read (or if the server sent none). */
    public Usage usage() {
        return usage;
    }

    /**
     * The chunks, read lazily from the connection.
     *
     * @throws IllegalStateException on a second call: the stream can be read once
     */
    @Override
    public Iterator<ChatChunk> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ChatStream can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private ChatChunk next;
            private boolean end;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (end) {
                    return false;
                }
                String data;
                reading = true;
                try {
                    data = closed ? null : reader.next();
                } catch (IOException e) {
                    reading = false;
                    boolean byCaller = closed;
                    boolean interrupted = Thread.currentThread().isInterrupted();
                    end = true;
                    close();
                    throw byCaller ? Failures.cancelled(name, "the stream was closed", e)
                            : interrupted ? Failures.cancelled(name, "the reading thread was interrupted", e)
                            : Failures.fromIo(name, e, false, null, 1);
                }
                reading = false;
                if (data == null || closed) {
                    // closed by another thread while this one was reading: release here.
                    boolean byCaller = data != null;
                    finished = !byCaller && !closed;
                    end = true;
                    close();
                    if (byCaller) {
                        throw Failures.cancelled(name, "the stream was closed", null);
                    }
                    return false;
                }
                ChatChunk chunk;
                try {
                    chunk = Json.chunk(name, data, requestId);
                } catch (ChorusException e) {
                    end = true;
                    close();
                    throw e;
                }
                text.append(chunk.delta());
                if (chunk.usage() != null) {
                    usage = chunk.usage();
                }
                next = chunk;
                return true;
            }

            @Override
            public ChatChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChatChunk c = next;
                next = null;
                return c;
            }
        };
    }

    /**
     * Cancels the call if it is still running and releases the connection; idempotent. A stream
     * read to its end is not cancelled, so its connection goes back to the pool for the next call.
     */
    @Override
    public void close() {
        closed = true;
        if (!finished) {
            call.cancel();
        }
        // A thread blocked in a read is woken by the cancel and releases the body itself: closing
        // it under a read in progress breaks okio's timeout bookkeeping.
        if (!reading) {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            response.close();
        }
    }
}
