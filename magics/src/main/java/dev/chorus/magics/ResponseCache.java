package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A content-addressed cache of successful answers in an SQLite file (through sqlite-jdbc), so that
 * running a cell again costs nothing. The key is a SHA-256 of the base URL, the model, the
 * messages, the sampling parameters and every other request field (response_format included),
 * in a canonical JSON form. The file is in WAL mode with a busy timeout, so two kernels can use it
 * at once; its size is bounded, and the least recently used answers go first.
 *
 * <p>Writes are batched off the callers' threads: {@link #put} only queues an answer, and a writer
 * thread ({@code chorus-cache-writer}) writes what is queued in one transaction every 200 ms, or
 * at once when 256 are queued; {@link #flush()} writes it on the caller's thread. So a fan-out's
 * rows never wait for the disk. Thread-safe: one connection, used under a lock. Failures of the store never fail a fan-out: {@link #get} then
 * misses and {@link #put} drops the answer (the first such failure is kept in {@link #problem()}).
 */
final class ResponseCache implements AutoCloseable {
    /** The file name inside the cache folder. */
    static final String FILE = "responses.sqlite";
    /** Default bound of the answers' size. */
    static final long DEFAULT_MAX_BYTES = 512L << 20;
    private static final int BATCH = 256;
    private static final long WRITE_EVERY_NANOS = 200_000_000L;
    private static final int LOOKUP_CHUNK = 500;
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * A cached answer: its text and what producing it cost.
     *
     * @param content          the answer's text
     * @param promptTokens     prompt tokens of the request that produced it
     * @param completionTokens completion tokens
     * @param latencyMs        how long that request took
     */
    record Entry(String content, long promptTokens, long completionTokens, long latencyMs) {
    }

    /** Size and use of the cache. */
    record Stats(Path file, long answers, long bytes, long maxBytes, long hits, long misses) {
        String text() {
            long lookups = hits + misses;
            return String.format(java.util.Locale.ROOT,
                    "cache: %s · %d answers · %.1f MiB of %d MiB · this session %d hits of %d lookups%s",
                    file, answers, bytes / 1048576.0, maxBytes >> 20, hits, lookups,
                    lookups == 0 ? "" : String.format(java.util.Locale.ROOT, " (%.0f%%)", 100.0 * hits / lookups));
        }
    }

    private final Path file;
    private final long maxBytes;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Thread writer;
    private volatile boolean closed;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private volatile String problem;

    private ResponseCache(Path file, long maxBytes, Connection db) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.db = db;
    }

    /**
     * Opens (creating) the cache file in {@code dir}.
     *
     * @throws IllegalStateException with a one-line reason when the file cannot be opened
     */
    static ResponseCache open(Path dir, long maxBytes) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, content TEXT NOT NULL,"
                        + " prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,"
                        + " latency_ms INTEGER NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL,"
                        + " used INTEGER NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS answers_used ON answers (used)");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new ResponseCache(file, maxBytes, c);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot open the response cache " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The session's cache for one magic call, or null with {@code --no-cache}, or when it cannot be
     * opened (said in one line under the cell, and the call runs without it).
     */
    static ResponseCache forCall(Session session, Options o, boolean noCache, boolean refresh, Notebook notebook) {
        if (noCache && refresh) {
            throw o.fail("--no-cache and --refresh contradict each other (pick one)");
        }
        if (noCache) {
            return null;
        }
        try {
            return session.cache();
        } catch (IllegalArgumentException e) {
            throw o.fail(e.getMessage());
        } catch (IllegalStateException e) {
            if (notebook != null) {
                notebook.display(Displays.text(e.getMessage() + "; running without it"));
            }
            return null;
        }
    }

    /** The cache folder: {@code $XDG_CACHE_HOME/chorus}, else {@code ~/.cache/chorus}. */
    static Path defaultDir(java.util.function.UnaryOperator<String> env) {
        String xdg = env.apply("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("chorus");
    }

    /** The key of {@code request} sent to {@code baseUrl}: SHA-256 of its canonical JSON, in hex. */
    static String key(String baseUrl, ChatRequest request) {
        ObjectNode n = CANONICAL.createObjectNode();
        n.put("base_url", baseUrl == null ? "" : baseUrl.replaceAll("/+$", ""));
        n.put("model", request.model());
        ArrayNode messages = n.putArray("messages");
        for (Message m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        if (request.maxTokens() != null) {
            n.put("max_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            n.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            n.put("top_p", request.topP());
        }
        if (request.stop() != null) {
            ArrayNode stop = n.putArray("stop");
            request.stop().forEach(stop::add);
        }
        ObjectNode extra = n.putObject("extra");
        new TreeMap<>(request.extra()).forEach((k, v) -> extra.set(k, sorted(CANONICAL.valueToTree(v))));
        try {
            byte[] json = CANONICAL.writeValueAsBytes(n);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = CANONICAL.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = CANONICAL.createArrayNode();
            node.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return node;
    }

    /** The cached answers of {@code keys} (those found), counted as hits and misses; marks them used. */
    Map<String, Entry> getAll(Collection<String> keys) {
        Map<String, Entry> found = new HashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(keys));
        lock.lock();
        try {
            for (String key : all) {
                Entry p = pending.get(key);
                if (p != null) {
                    found.put(key, p);
                }
            }
            for (int from = 0; from < all.size(); from += LOOKUP_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP_CHUNK));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement q = db.prepareStatement("SELECT key, content, prompt_tokens, completion_tokens,"
                        + " latency_ms FROM answers WHERE key IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        q.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            found.putIfAbsent(rs.getString(1),
                                    new Entry(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                        }
                    }
                }
            }
            if (!found.isEmpty()) {
                touch(found.keySet());
            }
        } catch (SQLException e) {
            failed(e);
        } finally {
            lock.unlock();
        }
        hits.addAndGet(found.size());
        misses.addAndGet(all.size() - found.size());
        return found;
    }

    /** The cached answer of {@code key}, or null. */
    Entry get(String key) {
        return getAll(List.of(key)).get(key);
    }

    /** Queues {@code entry} under {@code key} (replacing an older one); the writer thread writes it soon. */
    void put(String key, Entry entry) {
        if (closed) {
            return;
        }
        pending.put(key, entry);
        Thread w = writer;
        if (w == null) {
            w = startWriter();
        }
        if (queued.incrementAndGet() >= BATCH) {
            java.util.concurrent.locks.LockSupport.unpark(w);
        }
    }

    private synchronized Thread startWriter() {
        if (writer == null) {
            writer = Thread.ofVirtual().name("chorus-cache-writer").start(() -> {
                while (!closed) {
                    java.util.concurrent.locks.LockSupport.parkNanos(WRITE_EVERY_NANOS);
                    if (!pending.isEmpty()) {
                        flush();
                    }
                }
            });
        }
        return writer;
    }

    /** Writes every queued answer now. */
    void flush() {
        lock.lock();
        try {
            write();
        } finally {
            lock.unlock();
        }
    }

    /** Size and use, the queued answers written first. */
    Stats stats() {
        lock.lock();
        try {
            write();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM answers")) {
                rs.next();
                return new Stats(file, rs.getLong(1), rs.getLong(2), maxBytes, hits.get(), misses.get());
            }
        } catch (SQLException e) {
            failed(e);
            return new Stats(file, 0, 0, maxBytes, hits.get(), misses.get());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the answers not used for {@code olderThan} (all of them when null); returns how many.
     *
     * @throws IllegalStateException when the file cannot be changed
     */
    int clear(Duration olderThan) {
        lock.lock();
        try {
            write();
            if (olderThan == null) {
                pending.clear();
                queued.set(0);
                try (Statement s = db.createStatement()) {
                    return s.executeUpdate("DELETE FROM answers");
                }
            }
            try (PreparedStatement d = db.prepareStatement("DELETE FROM answers WHERE used < ?")) {
                d.setLong(1, System.currentTimeMillis() - olderThan.toMillis());
                return d.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the response cache " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The first failure of the store, or null. */
    String problem() {
        return problem;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        closed = true;
        Thread w = writer;
        if (w != null) {
            java.util.concurrent.locks.LockSupport.unpark(w);
        }
        lock.lock();
        try {
            write();
            db.close();
        } catch (SQLException e) {
            failed(e);
        } finally {
            lock.unlock();
        }
    }

    // ---- under the lock --------------------------------------------------------------------

    private void write() {
        if (pending.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        // What is queued now; answers queued while this batch is written wait for the next one.
        Map<String, Entry> batch = new HashMap<>(pending);
        queued.set(0);
        try {
            db.setAutoCommit(false);
            try (PreparedStatement ins = db.prepareStatement("INSERT OR REPLACE INTO answers (key, content,"
                    + " prompt_tokens, completion_tokens, latency_ms, size, created, used) VALUES (?,?,?,?,?,?,?,?)")) {
                for (Map.Entry<String, Entry> e : batch.entrySet()) {
                    Entry v = e.getValue();
                    ins.setString(1, e.getKey());
                    ins.setString(2, v.content());
                    ins.setLong(3, v.promptTokens());
                    ins.setLong(4, v.completionTokens());
                    ins.setLong(5, v.latencyMs());
                    ins.setLong(6, v.content().getBytes(StandardCharsets.UTF_8).length);
                    ins.setLong(7, now);
                    ins.setLong(8, now);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            db.commit();
            batch.forEach(pending::remove);
            evict();
        } catch (SQLException e) {
            failed(e);
            batch.forEach(pending::remove);
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the failure is already recorded
            }
        } finally {
            try {
                db.setAutoCommit(true);
            } catch (SQLException ignored) {
                // recorded on the next use
            }
        }
    }

    /** Drops the least recently used answers until the total size is under 90% of the bound. */
    private void evict() throws SQLException {
        long total;
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(size), 0) FROM answers")) {
            rs.next();
            total = rs.getLong(1);
        }
        if (total <= maxBytes) {
            return;
        }
        long target = maxBytes * 9 / 10;
        List<String> victims = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT key, size FROM answers ORDER BY used ASC, created ASC")) {
            while (total > target && rs.next()) {
                victims.add(rs.getString(1));
                total -= rs.getLong(2);
            }
        }
        try (PreparedStatement d = db.prepareStatement("DELETE FROM answers WHERE key = ?")) {
            for (String key : victims) {
                d.setString(1, key);
                d.addBatch();
            }
            d.executeBatch();
        }
        db.commit();
    }

    private void touch(Collection<String> keys) throws SQLException {
        long now = System.currentTimeMillis();
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try (PreparedStatement u = db.prepareStatement("UPDATE answers SET used = ? WHERE key = ?")) {
            Iterator<String> it = keys.iterator();
            while (it.hasNext()) {
                u.setLong(1, now);
                u.setString(2, it.next());
                u.addBatch();
            }
            u.executeBatch();
            db.commit();
        } finally {
            db.setAutoCommit(auto);
        }
    }

    private void failed(SQLException e) {
        if (problem == null) {
            problem = "the response cache " + file + " failed: " + e.getMessage();
        }
    }
}
