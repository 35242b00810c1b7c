package dev.chorus.client.internal;

import java.io.IOException;
import okio.BufferedSource;

/**
 * Reads the {@code data:} payloads of a server-sent event stream, one event at a time, until
 * {@code [DONE]} or the end of the body. Comments, {@code event:}, {@code id:} and
 * {@code retry:} fields are skipped; the lines of a multi-line {@code data} are joined with
 * {@code \n}.
 *
 * <p>Not thread-safe: one consumer thread pulls events; the caller owns and closes the source.
 */
public final class SseReader {
    private final BufferedSource source;
    private boolean done;

    public SseReader(BufferedSource source) {
        this.source = source;
    }

    /** The next event's data, or null at {@code [DONE]} or at the end of the stream. */
    public String next() throws IOException {
        if (done) {
            return null;
        }
        StringBuilder data = null;
        while (true) {
            String line = source.readUtf8Line();
            if (line == null) {
                done = true;
                return data == null ? null : finish(data);
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return finish(data);
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
    }

    private String finish(StringBuilder data) {
        String s = data.toString();
        if (s.equals("[DONE]")) {
            done = true;
            return null;
        }
        return s;
    }
}
