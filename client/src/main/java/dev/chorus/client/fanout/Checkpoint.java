package dev.chorus.client.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The JSONL checkpoint of a run: reads finished items on start, appends one line per ended item.
 *
 * <p>Each line: {@code {"index":3,"key":"…","status":"OK","value":"…","error":null,"cause":null,
 * "attempts":1,"latency_ms":120,"prompt_tokens":12,"completion_tokens":40}}. Appends go through a
 * {@link FileOutputStream} (not an interruptible channel) so interrupting an item thread can never
 * close the file. The first write error stops writing and is kept.
 */
final class Checkpoint<R> implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A line read back from an existing checkpoint. */
    record Line(int index, String key, String status, String value, int attempts, long latencyMs,
                long promptTokens, long completionTokens) {
    }

    private final Path file;
    private final CheckpointCodec<R> codec;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private IOException error;

    private Checkpoint(Path file, CheckpointCodec<R> codec, OutputStream out) {
        this.file = file;
        this.codec = codec;
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it (and its folder) if needed. */
    static <R> Checkpoint<R> open(Path file, CheckpointCodec<R> codec) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean needsNewline = false;
            if (Files.exists(file) && Files.size(file) > 0) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                    raf.seek(raf.length() - 1);
                    needsNewline = raf.read() != '\n';
                }
            }
            OutputStream out = new FileOutputStream(file.toFile(), true);
            if (needsNewline) {
                // A crash can leave half a line; start ours on a fresh one.
                out.write('\n');
            }
            return new Checkpoint<>(file, codec, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** The last line of every index found in {@code file}; unreadable lines are skipped. */
    static Map<Integer, Line> read(Path file) {
        Map<Integer, Line> lines = new HashMap<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                if (text.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(text);
                    if (n == null || !n.hasNonNull("index") || !n.hasNonNull("status")) {
                        continue;
                    }
                    Line line = new Line(n.get("index").asInt(), n.path("key").asText(null), n.get("status").asText(),
                            n.hasNonNull("value") ? n.get("value").asText() : null, n.path("attempts").asInt(),
                            n.path("latency_ms").asLong(), n.path("prompt_tokens").asLong(),
                            n.path("completion_tokens").asLong());
                    lines.put(line.index(), line);
                } catch (IOException malformed) {
                    // A torn last line after a crash: the item simply runs again.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }

    /** Appends the line of an ended item; never throws. */
    void append(ItemResult<?, R> r, String key) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", r.index());
        n.put("key", key);
        n.put("status", r.status().name());
        String value = null;
        if (r.value() != null) {
            try {
                value = codec.encode(r.value());
            } catch (RuntimeException e) {
                value = null;
            }
        }
        n.put("value", value);
        n.put("error", r.error() == null ? null : r.error().message());
        n.put("cause", r.error() == null ? null : r.error().causeClass());
        n.put("attempts", r.attempts());
        n.put("latency_ms", r.latency().toMillis());
        n.put("prompt_tokens", r.promptTokens());
        n.put("completion_tokens", r.completionTokens());
        byte[] bytes;
        try {
            bytes = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return;
        }
        lock.lock();
        try {
            if (out == null) {
                return;
            }
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            error = e;
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    /** The first write error, if any. */
    IOException error() {
        lock.lock();
        try {
            return error;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                if (error == null) {
                    error = e;
                }
            }
            out = null;
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + file.getFileName() + "]";
    }
}
