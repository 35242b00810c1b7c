package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.client.Batch;
import dev.chorus.client.BatchLine;
import dev.chorus.client.BatchApi;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChorusException;
import dev.chorus.client.FileObject;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.fanout.ItemError;
import dev.chorus.client.fanout.ItemResult;
import dev.chorus.client.fanout.ItemStatus;
import dev.chorus.client.structured.OutputSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fan-out handed to the provider's Batch API ({@code %%fanout --batch}): the rows the response
 * cache does not answer are written as request lines ({@code custom_id} = the row, and in a grid its
 * variant), split into files of at most {@value #MAX_LINES} requests and {@value #MAX_BYTES} bytes,
 * uploaded and run as batches; their request counts are shown as one progress display while they
 * are polled (with backoff); each batch's output and error files are read as streams when it ends
 * and merged into the {@link ResultTable} by {@code custom_id}: ok (checked against the schema when
 * there is one), failed with the line's error, expired or cancelled.
 *
 * <p>The batch ids of each part go to a state file (the {@code --checkpoint} file, or one in the
 * cache folder named by a digest of the cell's requests) as soon as each batch exists, so that
 * running the cell again, also after a kernel restart, re-attaches to them instead of submitting
 * again. An interrupt detaches: the batches keep running on the server.
 *
 * <p>Threading: runs on the cell's thread; the table is thread-safe.
 */
final class BatchJob {
    /** Requests per input file at most (the provider's limit). */
    static final int MAX_LINES = 50_000;
    /** Bytes per input file at most (the provider's limit). */
    static final long MAX_BYTES = 200L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_POLL = Duration.ofMillis(250);
    private static final Duration MAX_POLL = Duration.ofSeconds(15);

    /**
     * One uploaded input file and its batch: its place, its request count, the index of its last
     * row (-1 when a state file of an earlier version did not say), and whether it resubmits failed
     * rows ({@code --retry-failed}) rather than holding the next rows of the first submission.
     */
    record Part(int index, int lines, String inputFileId, String batchId, int lastRow, boolean retry) {
    }

    /**
     * What a state file records: the parts, and whether the first submission of the cell's rows
     * finished (or its batches were cancelled): when it did not (a kernel killed, an interrupt
     * between parts), a re-attaching run submits the rows after the last part ({@code rest}, filled
     * by {@link #resume}; empty as read from the file).
     */
    record State(List<Part> parts, boolean complete, String run, List<FanOutJob.Row> rest) {
    }

    /** How the job ended: every part merged, or detached by an interrupt. */
    record Outcome(boolean detached, int rows, int merged, List<Batch> batches) {
    }

    private final ChatClient client;
    private final List<FanOutJob.Row> rows;
    private final RowRequests requests;
    private final ResultTable table;
    private final OutputSchema schema;
    private final ResponseCache cache;
    private final Path state;
    private final String model;
    private final BatchDisplay display;
    private final int maxLines;
    private final long maxBytes;
    private boolean retryFailed;
    /**
     * Names this cell's submission in its state file and in its batches' metadata, so that a run that
     * re-attaches adopts only batches of the submission it finishes (not those of an earlier run of
     * the same cell, which may have been cancelled).
     */
    private String run = java.util.UUID.randomUUID().toString();
    /** Why a batch the provider refused ran nothing, or null. */
    private String failure;

    BatchJob(ChatClient client, List<FanOutJob.Row> rows, RowRequests requests, ResultTable table,
             ResponseCache cache, Path state, String model, BatchDisplay display) {
        this(client, rows, requests, table, cache, state, model, display, MAX_LINES, MAX_BYTES);
    }

    /** With other limits per input file (for tests). */
    BatchJob(ChatClient client, List<FanOutJob.Row> rows, RowRequests requests, ResultTable table,
             ResponseCache cache, Path state, String model, BatchDisplay display, int maxLines, long maxBytes) {
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.client = client;
        this.rows = List.copyOf(rows);
        this.requests = requests;
        this.table = table;
        this.schema = table.schema();
        this.cache = cache;
        this.state = state;
        this.model = model;
        this.display = display;
    }

    /**
     * The state file of a cell with no {@code --checkpoint}: in {@code dir}, named by a digest of the
     * endpoint and every row's request (so the same cell finds it again, and another cell does not).
     */
    static Path defaultState(Path dir, String baseUrl, List<FanOutJob.Row> rows, RowRequests requests,
                             OutputSchema schema, String model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(baseUrl.getBytes(StandardCharsets.UTF_8));
            try (LineBuffer line = new LineBuffer()) {
                for (FanOutJob.Row row : rows) {
                    line.write(row, requests, schema, model);
                    sha.update(line.bytes(), 0, line.size());
                }
            }
            return dir.resolve("batches").resolve(HexFormat.of().formatHex(sha.digest(), 0, 16) + ".json");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One request line at a time, as the input file holds it (with the schema's response_format and
     * a newline), written into a buffer that is reused: a million rows are written twice (for the
     * state file's name, then into the files) without a string each.
     */
    private static final class LineBuffer extends java.io.ByteArrayOutputStream {
        private final BatchLine.Writer writer = new BatchLine.Writer(this);

        LineBuffer() {
            super(512);
        }

        void write(FanOutJob.Row row, RowRequests requests, OutputSchema schema, String model) {
            reset();
            ChatRequest r = requests.request(row);
            writer.write(customId(row), schema == null ? r : schema.request(r, false), model);
        }

        byte[] bytes() {
            return buf;
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    /** The custom_id of a row: its index, and in a grid its variant. */
    static String customId(FanOutJob.Row row) {
        return row.variant() == null ? "row-" + row.index() : "row-" + row.index() + "/" + row.variant().label();
    }

    /** The row a custom_id names, or -1 for one this job did not write. */
    private static int rowOf(String customId) {
        int end = customId.indexOf('/');
        if (!customId.startsWith("row-")) {
            return -1;
        }
        try {
            return Integer.parseInt(customId, 4, end < 0 ? customId.length() : end, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Once the batches ended, submit the rows that failed or expired once more and merge their lines. */
    BatchJob retryFailed(boolean retry) {
        this.retryFailed = retry;
        return this;
    }

    /** The table this job fills. */
    ResultTable table() {
        return table;
    }

    /** The rows the cache answers are filled at once; the rest are what the batches hold. */
    List<FanOutJob.Row> uncached() {
        List<FanOutJob.Row> out = new ArrayList<>();
        for (FanOutJob.Row row : rows) {
            ResponseCache.Entry hit = requests.hit(row.index());
            if (hit == null) {
                out.add(row);
            }
        }
        return out;
    }

    /** The state file's record, or null when there is none (or it names another endpoint). */
    State attached() {
        return state(state, client.baseUrl());
    }

    /**
     * What a state file records, or null when there is none or it names another endpoint than
     * {@code baseUrl} (null: any).
     */
    static State state(Path state, String baseUrl) {
        if (!Files.isRegularFile(state)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(state.toFile());
            if (baseUrl != null && !baseUrl.equals(n.path("base_url").asText())) {
                return null;
            }
            List<Part> parts = new ArrayList<>();
            for (JsonNode p : n.path("parts")) {
                parts.add(new Part(p.path("index").asInt(), p.path("lines").asInt(), p.path("input_file_id").asText(null),
                        p.path("batch_id").asText(null), p.path("last_row").asInt(-1), p.path("retry").asBoolean(false)));
            }
            // A state file of an earlier version (no "complete") was written whole before its batches ran.
            return new State(parts, n.path("complete").asBoolean(!n.has("complete")), n.path("run").asText(null), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("the batch state " + state + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the job: fills the cached rows, re-attaches to the batches of the state file or submits
     * new ones, polls until every batch ended, merges each as it ends. An interrupt of the calling
     * thread detaches (the batches keep running) and returns.
     */
    Outcome run() throws IOException {
        State attached = attached();
        return run(attached != null && !attached.complete() ? resume(attached) : attached);
    }

    /**
     * {@link #run()} with the state file read already ({@link #attached()}), or null; a state whose
     * first submission had not finished must come {@link #resume}d (its {@code rest} is what is
     * submitted).
     */
    Outcome run(State attached) throws IOException {
        fillCached();
        if (attached != null && attached.run() != null) {
            run = attached.run();
        }
        List<Part> parts;
        if (attached == null) {
            parts = submit(uncached(), List.of(), false);
            if (!parts.isEmpty()) {
                save(parts, true);
            }
        } else {
            parts = attached.parts();
            if (display != null && !parts.isEmpty()) {
                display.say("re-attached to " + parts.size() + (parts.size() == 1 ? " batch" : " batches")
                        + " of an earlier run of this cell (" + state.getFileName() + ")");
            }
            if (!attached.complete()) {
                List<FanOutJob.Row> rest = attached.rest();
                if (!rest.isEmpty() && display != null) {
                    display.say(String.format(java.util.Locale.ROOT, "submitting the %,d %s the earlier run had not submitted",
                            rest.size(), rest.size() == 1 ? "row" : "rows"));
                }
                List<Part> more = submit(rest, parts, false);
                parts = new ArrayList<>(parts);
                parts.addAll(more);
                save(parts, true);
            }
        }
        Map<String, Batch> latest = new LinkedHashMap<>();
        Map<String, Boolean> merged = new LinkedHashMap<>();
        parts.forEach(p -> merged.put(p.batchId(), false));
        long started = System.nanoTime();
        Duration wait = FIRST_POLL;
        int mergedRows = 0;
        boolean retried = false;
        while (true) {
            boolean changed = false;
            for (Part p : parts) {
                if (merged.get(p.batchId())) {
                    continue;
                }
                Batch b = client.batches().retrieve(p.batchId());
                Batch before = latest.put(p.batchId(), b);
                changed |= before == null || !before.requestCounts().equals(b.requestCounts())
                        || !before.status().equals(b.status());
                if (b.isDone()) {
                    mergedRows += merge(b);
                    merged.put(p.batchId(), true);
                }
            }
            if (display != null) {
                display.show(List.copyOf(latest.values()), rows.size(), Duration.ofNanos(System.nanoTime() - started));
            }
            if (!merged.containsValue(false)) {
                fillUnanswered();
                List<FanOutJob.Row> again = retryFailed && !retried ? unfinished() : List.of();
                retried = true;
                if (again.isEmpty()) {
                    return new Outcome(false, rows.size(), mergedRows, List.copyOf(latest.values()));
                }
                if (display != null) {
                    display.say("--retry-failed: " + again.size() + (again.size() == 1 ? " row" : " rows")
                            + " failed or expired; submitted again");
                }
                List<Part> more = submit(again, parts, true);
                more.forEach(p -> merged.put(p.batchId(), false));
                parts = new ArrayList<>(parts);
                parts.addAll(more);
                changed = true;
            }
            wait = changed ? FIRST_POLL : min(wait.multipliedBy(2), MAX_POLL);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return new Outcome(true, rows.size(), mergedRows, List.copyOf(latest.values()));
            }
        }
    }

    /**
     * The state of a first submission that did not finish, made ready to finish it: the batches the
     * earlier run created but had not yet written to the state file (it was killed in between; the
     * provider's list names them by their metadata) are adopted, and {@code rest} holds the rows no
     * part reached. The parts hold the uncached rows in order, so these are the uncached rows after
     * the last part's last row; none when a part does not say its last row (an earlier version).
     */
    State resume(State attached) throws IOException {
        List<Part> parts = new ArrayList<>(attached.parts());
        List<Part> adopted = List.of();
        if (attached.run() != null) {
            run = attached.run();
            adopted = adopt(parts.size());
        }
        if (!adopted.isEmpty()) {
            parts.addAll(adopted);
            save(parts, false);
        }
        return new State(List.copyOf(parts), false, attached.run(), unsubmitted(parts));
    }

    /** How many of the provider's most recent batches are searched for this cell's unrecorded ones. */
    private static final int ADOPT_PAGES = 10;

    /** The batches of this state file from part {@code from} on, in order, that the provider lists. */
    private List<Part> adopt(int from) {
        Map<Integer, Part> found = new java.util.TreeMap<>();
        String after = null;
        for (int page = 0; page < ADOPT_PAGES; page++) {
            dev.chorus.client.BatchPage p = client.batches().list(100, after);
            for (Batch b : p.data()) {
                Map<String, String> m = b.metadata();
                if (!run.equals(m.get("chorus_run")) || !state.getFileName().toString().equals(m.get("chorus_state"))) {
                    continue;
                }
                try {
                    int index = Integer.parseInt(m.get("chorus_part"));
                    if (index >= from) {
                        found.putIfAbsent(index, new Part(index, Integer.parseInt(m.get("chorus_lines")), b.inputFileId(), b.id(),
                                Integer.parseInt(m.get("chorus_last_row")), false));
                    }
                } catch (RuntimeException e) {
                    // metadata this job did not write
                }
            }
            if (!p.hasMore() || p.lastId() == null) {
                break;
            }
            after = p.lastId();
        }
        List<Part> out = new ArrayList<>();
        for (int i = from; found.containsKey(i); i++) {
            out.add(found.get(i));
        }
        return out;
    }

    private List<FanOutJob.Row> unsubmitted(List<Part> parts) {
        int last = -1;
        for (Part p : parts) {
            if (!p.retry()) {
                if (p.lastRow() < 0) {
                    return List.of();
                }
                last = Math.max(last, p.lastRow());
            }
        }
        List<FanOutJob.Row> out = new ArrayList<>();
        for (FanOutJob.Row row : uncached()) {
            if (row.index() > last) {
                out.add(row);
            }
        }
        return out;
    }

    /** The rows that ended failed or expired: what {@code --retry-failed} submits again. */
    private List<FanOutJob.Row> unfinished() {
        List<FanOutJob.Row> out = new ArrayList<>();
        var status = table.table().stringColumn("status");
        for (FanOutJob.Row row : rows) {
            String st = status.get(row.index());
            if (st.equals("failed") || st.equals("expired")) {
                out.add(row);
            }
        }
        return out;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void fillCached() {
        for (FanOutJob.Row row : rows) {
            ResponseCache.Entry e = requests.hit(row.index());
            if (e != null) {
                FanOutJob.Answer a = new FanOutJob.Answer(e.content(), schema == null ? null : schema.check(e.content(), null));
                table.fill(new ItemResult<>(row.index(), row, ItemStatus.OK, a, null, Duration.ofMillis(e.latencyMs()), 0,
                        e.promptTokens(), e.completionTokens(), null, null, 0, false, true));
            }
        }
    }

    /**
     * Writes the request lines into parts, uploads each, creates its batch and records it in the state
     * file after the parts {@code before} it; returns the new parts ({@code retry}: they resubmit
     * failed rows).
     */
    private List<Part> submit(List<FanOutJob.Row> todo, List<Part> before, boolean retry) throws IOException {
        List<Part> all = new ArrayList<>(before);
        List<Part> parts = new ArrayList<>();
        if (todo.isEmpty()) {
            return parts;
        }
        if (before.isEmpty() && !retry) {
            // Before the first batch exists: a run killed between creating it and recording it leaves a
            // state file that names the submission, so the run that re-attaches adopts that batch.
            save(all, false);
        }
        Path dir = Files.createTempDirectory("chorus-batch");
        try (LineBuffer line = new LineBuffer()) {
            int from = 0;
            while (from < todo.size()) {
                Path file = dir.resolve("part-" + all.size() + ".jsonl");
                int lines = 0;
                long bytes = 0;
                try (OutputStream w = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    while (from + lines < todo.size() && lines < maxLines) {
                        line.write(todo.get(from + lines), requests, schema, model);
                        if (lines > 0 && bytes + line.size() > maxBytes) {
                            break;
                        }
                        line.writeTo(w);
                        bytes += line.size();
                        lines++;
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new ChorusException("interrupted before every part was submitted", 0, null, null, false, null);
                }
                FileObject in = client.files().upload(file, "batch");
                int lastRow = todo.get(from + lines - 1).index();
                // The metadata lets a run that re-attaches find this batch should this one die before it
                // is written to the state file.
                Batch b = client.batches().create(in.id(), BatchApi.CHAT_COMPLETIONS, "24h",
                        Map.of("chorus_part", String.valueOf(all.size()), "chorus_state", state.getFileName().toString(),
                                "chorus_lines", String.valueOf(lines), "chorus_last_row", String.valueOf(lastRow),
                                "chorus_retry", String.valueOf(retry), "chorus_run", run));
                Part part = new Part(all.size(), lines, in.id(), b.id(), lastRow, retry);
                parts.add(part);
                all.add(part);
                save(all, retry);
                Files.delete(file);
                from += lines;
            }
        } finally {
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return parts;
    }

    /** Writes the state file; {@code complete}: the first submission finished. */
    private void save(List<Part> parts, boolean complete) throws IOException {
        save(state, client.baseUrl(), rows.size(), parts, complete, run);
    }

    private static void save(Path state, String baseUrl, int rows, List<Part> parts, boolean complete, String run)
            throws IOException {
        ObjectNode root = JSON.createObjectNode().put("base_url", baseUrl).put("rows", rows).put("complete", complete)
                .put("run", run);
        ArrayNode a = root.putArray("parts");
        for (Part p : parts) {
            a.addObject().put("index", p.index()).put("lines", p.lines()).put("input_file_id", p.inputFileId())
                    .put("batch_id", p.batchId()).put("last_row", p.lastRow()).put("retry", p.retry());
        }
        Files.createDirectories(state.toAbsolutePath().getParent());
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Merges an ended batch's output and error files into the table; returns the rows it filled. */
    private int merge(Batch b) throws IOException {
        if (b.status().equals("failed")) {
            // The provider refused the input file: nothing ran; its rows are filled when all batches ended.
            failure = "the batch " + b.id() + " failed" + (b.errors().isEmpty() ? "" : ": " + b.errors().get(0).message()
                    + (b.errors().get(0).line() == null ? "" : " (line " + b.errors().get(0).line() + ")"));
            return 0;
        }
        return mergeFile(b.outputFileId()) + mergeFile(b.errorFileId());
    }

    /** Rows no batch wrote a line for (a batch the provider refused): failed, with the reason. */
    private void fillUnanswered() {
        for (FanOutJob.Row row : rows) {
            if (!table.filled(row.index())) {
                ChorusException e = new ChorusException(failure != null ? failure : "no line for this row in the batches' files",
                        0, null, null, false, null);
                table.fill(new ItemResult<>(row.index(), row, ItemStatus.FAILED, null, ItemError.of(e), Duration.ZERO, 0,
                        0, 0, null, null, 0, false, false));
            }
        }
    }

    private int mergeFile(String fileId) throws IOException {
        if (fileId == null) {
            return 0;
        }
        int n = 0;
        try (BatchLine.Reader r = new BatchLine.Reader(client.files().content(fileId))) {
            BatchLine l;
            while ((l = r.next()) != null) {
                int index = rowOf(l.customId());
                if (index < 0 || index >= rows.size()) {
                    continue;
                }
                fill(rows.get(index), l);
                n++;
            }
        }
        return n;
    }

    private void fill(FanOutJob.Row row, BatchLine l) {
        if (table.filled(row.index())) {
            // A later batch's line (--retry-failed) replaces a failure, never an answer.
            if (table.table().stringColumn("status").get(row.index()).equals("ok")) {
                return;
            }
            table.reopen(row.index());
        }
        if (l.expired()) {
            table.end(row.index(), "expired", l.error());
            return;
        }
        if (l.cancelled()) {
            table.end(row.index(), "cancelled", l.error());
            return;
        }
        if (!l.ok()) {
            ChorusException e = new ChorusException("HTTP " + l.status() + (l.error() == null ? "" : ": " + l.error()),
                    l.status(), null, l.error(), false, null);
            table.fill(new ItemResult<>(row.index(), row, ItemStatus.FAILED, null, ItemError.of(e), Duration.ZERO, 1, 0, 0,
                    null, null, 0, false, false));
            return;
        }
        String text = l.completion().content();
        long pt = l.completion().usage() == null ? 0 : l.completion().usage().promptTokens();
        long ct = l.completion().usage() == null ? 0 : l.completion().usage().completionTokens();
        FanOutJob.Answer a;
        if (schema != null) {
            try {
                a = new FanOutJob.Answer(text, schema.check(text, l.completion().requestId()));
            } catch (InvalidAnswerException e) {
                table.fill(new ItemResult<>(row.index(), row, ItemStatus.INVALID, null, ItemError.of(e), Duration.ZERO, 1,
                        pt, ct, null, null, 0, false, false));
                return;
            }
        } else {
            a = new FanOutJob.Answer(text, null);
        }
        table.fill(new ItemResult<>(row.index(), row, ItemStatus.OK, a, null, Duration.ZERO, 1, pt, ct, null, null, 0,
                false, false));
        if (cache != null && requests.key(row.index()) != null) {
            cache.put(requests.key(row.index()), new ResponseCache.Entry(text, pt, ct, 0));
        }
    }

    /**
     * Asks the provider to cancel every batch of the state file; returns their statuses after the ask.
     * The state file then says the submission is complete: running the cell again collects what the
     * batches finished and submits nothing more.
     */
    static List<Batch> cancel(ChatClient client, Path state) throws IOException {
        State s = state(state, null);
        List<Batch> out = new ArrayList<>();
        for (Part p : s == null ? List.<Part>of() : s.parts()) {
            out.add(client.batches().cancel(p.batchId()));
        }
        if (s != null && !s.complete()) {
            JsonNode n = JSON.readTree(state.toFile());
            save(state, n.path("base_url").asText(), n.path("rows").asInt(), s.parts(), true, s.run());
        }
        return out;
    }
}
