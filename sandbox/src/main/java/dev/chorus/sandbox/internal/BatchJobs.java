package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.DurationText;
import dev.chorus.sandbox.Fault;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sandbox's {@code /v1/batches}: each batch reads its input file from the {@link FileStore}
 * and goes {@code validating → in_progress → finalizing → completed}; a bad input file ends it
 * {@code failed} with per-line errors; past its completion window it ends {@code expired}; a
 * cancel takes it through {@code cancelling} to {@code cancelled}. Lines are answered as
 * {@code /v1/chat/completions} answers them, {@link Behavior#batchRate()} lines per second over all
 * batches, each with the behaviour's random faults: 429, 500 and 503 (and the connection faults,
 * which have no meaning inside a batch, as 500) go to the error file, invalid-json gives an answer
 * whose content is not JSON. Lines a batch never ran (expired, cancelled) go to the error file with
 * the code {@code batch_expired} or {@code batch_cancelled}, so every input line is in one of the
 * two files.
 *
 * <p>Thread-safe: the event loop creates, reads and cancels batches under this object's lock; one
 * daemon thread ({@code chorus-sandbox-batches}) works through them.
 */
final class BatchJobs implements AutoCloseable {
    private static final long TICK_MS = 20;
    private static final int MAX_ERRORS = 100;

    private final FileStore files;
    private final Server server;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final ScheduledExecutorService thread;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong lineIds = new AtomicLong();
    private double credit;
    private long lastTick = System.nanoTime();

    BatchJobs(FileStore files, Server server) {
        this.files = files;
        this.server = server;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-sandbox-batches");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** {@code POST /v1/batches}. */
    synchronized ObjectNode create(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "The request body must be a JSON object.");
        }
        String input = text(body, "input_file_id");
        FileStore.Stored file = files.get(input);
        if (file == null) {
            throw ApiError.invalid("input_file_id", "No file with id '" + input + "'.");
        }
        if (!"batch".equals(file.purpose())) {
            throw ApiError.invalid("input_file_id", "The file '" + input + "' has purpose '" + file.purpose()
                    + "', not 'batch'.");
        }
        String endpoint = text(body, "endpoint");
        if (!endpoint.equals("/v1/chat/completions")) {
            throw ApiError.invalid("endpoint", "The sandbox runs batches of '/v1/chat/completions' only, not '"
                    + endpoint + "'.");
        }
        String window = text(body, "completion_window");
        Duration windowDuration;
        try {
            windowDuration = DurationText.parse(window);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("completion_window", "Invalid completion_window '" + window
                    + "': a duration such as 24h (the sandbox also takes 2s, 500ms, …).");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode m = body.path("metadata");
        if (m.isObject()) {
            m.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        Job job = new Job("batch_" + Long.toHexString(System.currentTimeMillis()) + ids.incrementAndGet(), file,
                endpoint, window, windowDuration, metadata);
        jobs.put(job.id, job);
        return job.json();
    }

    /** {@code GET /v1/batches/{id}}. */
    synchronized ObjectNode get(String id) {
        return job(id).json();
    }

    /** {@code POST /v1/batches/{id}/cancel}: a batch not yet done goes {@code cancelling}. */
    synchronized ObjectNode cancel(String id) {
        Job job = job(id);
        if (!job.done()) {
            job.status = "cancelling";
            job.cancellingAt = now();
        }
        return job.json();
    }

    /** {@code GET /v1/batches?limit=N&after=ID}: newest first. */
    synchronized ObjectNode list(int limit, String after) {
        List<Job> all = new ArrayList<>(jobs.values());
        java.util.Collections.reverse(all);
        int from = 0;
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id.equals(after)) {
                    from = i + 1;
                }
            }
        }
        List<Job> page = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit));
        ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        page.forEach(j -> data.add(j.json()));
        out.put("first_id", page.isEmpty() ? null : page.get(0).id);
        out.put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id);
        out.put("has_more", from + page.size() < all.size());
        return out;
    }

    private Job job(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            throw ApiError.notFound("No batch with id '" + id + "'.");
        }
        return job;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiError.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        return v.asText();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** One step of every batch: lines are paid from a credit that grows at the behaviour's rate. */
    private void tick() {
        try {
            Behavior b = server.behavior();
            long t = System.nanoTime();
            List<Job> active;
            synchronized (this) {
                credit = Math.min(credit + b.batchRate() * (t - lastTick) / 1e9, Math.max(1, b.batchRate()));
                lastTick = t;
                active = jobs.values().stream().filter(j -> !j.done()).toList();
            }
            for (Job job : active) {
                step(job, b);
            }
        } catch (RuntimeException | Error e) {
            // keep the thread alive for the other batches; the job that failed says why
        }
    }

    private void step(Job job, Behavior b) {
        try {
            switch (job.status) {
                case "validating" -> validate(job);
                case "in_progress" -> run(job, b);
                case "finalizing" -> finish(job, "completed");
                case "cancelling" -> {
                    skipRest(job, "batch_cancelled", "The batch was cancelled before this request ran.");
                    finish(job, "cancelled");
                }
                default -> { }
            }
        } catch (IOException e) {
            synchronized (this) {
                job.errors.add(error("server_error", "The sandbox could not read or write a batch file: "
                        + e.getMessage(), null));
                job.status = "failed";
                job.failedAt = now();
            }
            job.closeQuietly();
        }
    }

    /** Reads every line once: each must be a request of this batch's endpoint with a unique custom_id. */
    private void validate(Job job) throws IOException {
        List<ObjectNode> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int lines = 0;
        try (BufferedReader in = Files.newBufferedReader(job.input.path(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    errors.add(error("invalid_request", "Line " + lines + " is empty.", lines));
                    continue;
                }
                String problem = problem(line, job.endpoint, ids);
                if (problem != null && errors.size() < MAX_ERRORS) {
                    errors.add(error(problem.startsWith("duplicate") ? "duplicate_custom_id" : "invalid_request",
                            problem, lines));
                }
            }
        }
        if (lines == 0) {
            errors.add(error("empty_file", "The input file holds no requests.", null));
        }
        synchronized (this) {
            if (!job.status.equals("validating")) {
                return;
            }
            if (!errors.isEmpty()) {
                job.errors.addAll(errors);
                job.status = "failed";
                job.failedAt = now();
                return;
            }
            job.total = lines;
            job.status = "in_progress";
            job.inProgressAt = now();
        }
        job.open(files);
    }

    /** Why {@code line} is not a valid request, or null. */
    private static String problem(String line, String endpoint, Set<String> ids) {
        JsonNode n = Json.parseOrNull(line.getBytes(StandardCharsets.UTF_8));
        if (n == null || !n.isObject()) {
            return "This line is not a JSON object.";
        }
        JsonNode id = n.get("custom_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            return "Missing custom_id.";
        }
        if (!ids.add(id.asText())) {
            return "duplicate custom_id '" + id.asText() + "'.";
        }
        if (!"POST".equals(n.path("method").asText())) {
            return "The method must be POST.";
        }
        if (!endpoint.equals(n.path("url").asText())) {
            return "The url must be the batch's endpoint, " + endpoint + ".";
        }
        if (!n.path("body").isObject()) {
            return "Missing body.";
        }
        return null;
    }

    private static ObjectNode error(String code, String message, Integer line) {
        ObjectNode e = Json.MAPPER.createObjectNode().put("code", code).put("message", message);
        e.putNull("param");
        if (line == null) {
            e.putNull("line");
        } else {
            e.put("line", line);
        }
        return e;
    }

    /** Answers as many lines as the credit allows; past the window the rest expire. */
    private void run(Job job, Behavior b) throws IOException {
        if (System.currentTimeMillis() > job.createdAtMillis + job.window.toMillis()) {
            skipRest(job, "batch_expired", "This request could not be executed before the completion window expired.");
            finish(job, "expired");
            return;
        }
        while (true) {
            synchronized (this) {
                if (!job.status.equals("in_progress") || credit < 1) {
                    return;
                }
                credit -= 1;
            }
            String line = job.reader.readLine();
            if (line == null) {
                synchronized (this) {
                    if (job.status.equals("in_progress")) {
                        job.status = "finalizing";
                        job.finalizingAt = now();
                    }
                }
                return;
            }
            answer(job, line, b);
        }
    }

    private void answer(Job job, String line, Behavior b) throws IOException {
        JsonNode n = Json.parseOrNull(line.getBytes(StandardCharsets.UTF_8));
        String customId = n.get("custom_id").asText();
        String requestId = server.nextRequestId();
        byte[] body = Json.bytes(n.get("body"));
        Fault fault = Draw.of(b, server.nextOrdinal()).fault();
        String head = "{\"id\":\"batch_req_" + lineIds.incrementAndGet() + "\",\"custom_id\":"
                + Json.string(customId) + ",\"response\":{\"status_code\":";
        if (fault == null || fault == Fault.INVALID_JSON) {
            if (fault != null) {
                server.counters().fault(fault);
            }
            byte[] completion = ChatAnswer.of(body, fault != null, b.jsonSchema())
                    .completionJson("chatcmpl-" + requestId, now());
            job.out.write(head + "200,\"request_id\":\"" + requestId + "\",\"body\":"
                    + new String(completion, StandardCharsets.UTF_8) + "},\"error\":null}\n");
            synchronized (this) {
                job.completed++;
            }
            return;
        }
        server.counters().fault(fault);
        int status = switch (fault) {
            case RATE_LIMIT_429 -> 429;
            case UNAVAILABLE_503 -> 503;
            default -> 500;
        };
        String error = new String(switch (status) {
            case 429 -> ApiError.body("Rate limit reached (sandbox fault injection).", "rate_limit_error",
                    "rate_limit_exceeded", null);
            case 503 -> ApiError.unavailable();
            default -> ApiError.serverError();
        }, StandardCharsets.UTF_8);
        job.err.write(head + status + ",\"request_id\":\"" + requestId + "\",\"body\":" + error + "},\"error\":null}\n");
        synchronized (this) {
            job.failed++;
        }
    }

    /** Writes every line not answered yet to the error file with {@code code}. */
    private void skipRest(Job job, String code, String message) throws IOException {
        if (job.reader == null) {
            return;
        }
        String line;
        while ((line = job.reader.readLine()) != null) {
            JsonNode n = Json.parseOrNull(line.getBytes(StandardCharsets.UTF_8));
            job.err.write("{\"id\":\"batch_req_" + lineIds.incrementAndGet() + "\",\"custom_id\":"
                    + Json.string(n.get("custom_id").asText()) + ",\"response\":null,\"error\":{\"code\":\""
                    + code + "\",\"message\":" + Json.string(message) + "}}\n");
            synchronized (this) {
                job.failed++;
            }
        }
    }

    /** Closes the batch's files and stores them (the output file when a line succeeded, the error file when one failed). */
    private void finish(Job job, String status) throws IOException {
        job.closeFiles();
        FileStore.Stored out = null;
        FileStore.Stored err = null;
        if (job.outPath != null) {
            out = job.completed > 0 ? files.add(job.outPath, job.id + "_output.jsonl", "batch_output") : null;
            err = job.failed > 0 ? files.add(job.errPath, job.id + "_error.jsonl", "batch_output") : null;
            Files.deleteIfExists(job.outPath);
            Files.deleteIfExists(job.errPath);
        }
        synchronized (this) {
            job.outputFileId = out == null ? null : out.id();
            job.errorFileId = err == null ? null : err.id();
            job.status = status;
            long now = now();
            switch (status) {
                case "completed" -> job.completedAt = now;
                case "expired" -> job.expiredAt = now;
                case "cancelled" -> job.cancelledAt = now;
                default -> { }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            jobs.values().forEach(Job::closeQuietly);
        }
    }

    /** One batch; its status and counts change under the jobs' lock, its files on the batch thread. */
    private static final class Job {
        final String id;
        final FileStore.Stored input;
        final String endpoint;
        final String windowText;
        final Duration window;
        final Map<String, String> metadata;
        final long createdAtMillis = System.currentTimeMillis();
        final List<ObjectNode> errors = new ArrayList<>();
        String status = "validating";
        int total;
        int completed;
        int failed;
        Long inProgressAt;
        Long finalizingAt;
        Long completedAt;
        Long failedAt;
        Long expiredAt;
        Long cancellingAt;
        Long cancelledAt;
        String outputFileId;
        String errorFileId;
        BufferedReader reader;
        BufferedWriter out;
        BufferedWriter err;
        Path outPath;
        Path errPath;

        Job(String id, FileStore.Stored input, String endpoint, String windowText, Duration window,
            Map<String, String> metadata) {
            this.id = id;
            this.input = input;
            this.endpoint = endpoint;
            this.windowText = windowText;
            this.window = window;
            this.metadata = metadata;
        }

        boolean done() {
            return switch (status) {
                case "completed", "failed", "expired", "cancelled" -> true;
                default -> false;
            };
        }

        void open(FileStore files) throws IOException {
            reader = Files.newBufferedReader(input.path(), StandardCharsets.UTF_8);
            outPath = files.newPath();
            errPath = files.newPath();
            out = Files.newBufferedWriter(outPath, StandardCharsets.UTF_8);
            err = Files.newBufferedWriter(errPath, StandardCharsets.UTF_8);
        }

        void closeFiles() throws IOException {
            if (reader != null) {
                reader.close();
                out.close();
                err.close();
            }
        }

        void closeQuietly() {
            try {
                closeFiles();
            } catch (IOException | UncheckedIOException ignored) {
                // the folder goes with the sandbox
            }
        }

        ObjectNode json() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("object", "batch")
                    .put("endpoint", endpoint).put("input_file_id", input.id())
                    .put("completion_window", windowText).put("status", status)
                    .put("output_file_id", outputFileId).put("error_file_id", errorFileId)
                    .put("created_at", createdAtMillis / 1000).put("in_progress_at", inProgressAt)
                    .put("expires_at", (createdAtMillis + window.toMillis()) / 1000)
                    .put("finalizing_at", finalizingAt).put("completed_at", completedAt)
                    .put("failed_at", failedAt).put("expired_at", expiredAt)
                    .put("cancelling_at", cancellingAt).put("cancelled_at", cancelledAt);
            o.putObject("request_counts").put("total", total).put("completed", completed).put("failed", failed);
            if (errors.isEmpty()) {
                o.putNull("errors");
            } else {
                ObjectNode e = o.putObject("errors").put("object", "list");
                e.putArray("data").addAll(errors);
            }
            ObjectNode m = o.putObject("metadata");
            metadata.forEach(m::put);
            return o;
        }
    }
}
