package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The sandbox's {@code /v1/files}: files kept on disk in a temporary folder of their own (never
 * held in memory), with their metadata. Removed with the folder on {@link #close()}.
 *
 * <p>Thread-safe: the event loop adds and reads files, the batch thread adds outputs.
 */
final class FileStore implements AutoCloseable {
    /** One stored file. */
    record Stored(String id, long bytes, long createdAt, String filename, String purpose, Path path) {
        ObjectNode json() {
            return Json.MAPPER.createObjectNode().put("id", id).put("object", "file").put("bytes", bytes)
                    .put("created_at", createdAt).put("filename", filename).put("purpose", purpose)
                    .put("status", "processed");
        }
    }

    private final Path dir;
    private final Map<String, Stored> files = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    FileStore() {
        try {
            dir = Files.createTempDirectory("chorus-sandbox-files");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox's file folder: " + e.getMessage(), e);
        }
    }

    /** A new path in the folder for a file being written (then {@link #add}ed). */
    Path newPath() {
        return dir.resolve("part-" + ids.incrementAndGet());
    }

    /** Moves {@code from} into the store as a new file. */
    Stored add(Path from, String filename, String purpose) throws IOException {
        String id = "file-" + Long.toHexString(System.nanoTime() & 0xffffffffL) + ids.incrementAndGet();
        Path path = dir.resolve(id);
        Files.move(from, path, StandardCopyOption.REPLACE_EXISTING);
        Stored s = new Stored(id, Files.size(path), System.currentTimeMillis() / 1000, filename, purpose, path);
        files.put(id, s);
        return s;
    }

    /** Every file, oldest first. */
    java.util.List<Stored> all() {
        return files.values().stream().sorted(Comparator.comparingLong(Stored::createdAt).thenComparing(Stored::id))
                .toList();
    }

    /** The file, or null. */
    Stored get(String id) {
        return files.get(id);
    }

    /** Deletes the file; false when there was none. */
    boolean delete(String id) {
        Stored s = files.remove(id);
        if (s == null) {
            return false;
        }
        try {
            Files.deleteIfExists(s.path());
        } catch (IOException ignored) {
            // the folder goes on close
        }
        return true;
    }

    @Override
    public void close() {
        files.clear();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: the system cleans it eventually
        }
    }
}
