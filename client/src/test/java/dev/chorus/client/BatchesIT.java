package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Fault;
import dev.chorus.sandbox.Sandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client.files()} and {@code client.batches()} against the sandbox's {@code /v1/files} and
 * {@code /v1/batches}: the whole lifecycle, a refused input file, expiry, cancel, faults per line,
 * listing, deletion and auth.
 */
class BatchesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Sandbox sandbox;
    private ChatClient client;

    private void start(Behavior behavior) {
        sandbox = Sandbox.start(behavior);
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).apiKey("sk-test").model("default").build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A JSONL file of chat requests, custom_id "row-i", asking "prompt i". */
    private Path requests(int n) throws IOException {
        Path f = dir.resolve("in-" + n + "-" + System.nanoTime() + ".jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"custom_id\":\"row-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                    + "\"body\":{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"prompt " + i
                    + "\"}],\"max_tokens\":8}}");
        }
        Files.write(f, lines);
        return f;
    }

    private Batch until(String id, String status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Batch b = client.batches().retrieve(id);
        while (!b.status().equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            b = client.batches().retrieve(id);
        }
        assertEquals(status, b.status(), "batch " + b);
        return b;
    }

    private List<JsonNode> lines(String fileId) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (fileId == null) {
            return out;
        }
        try (InputStream in = client.files().content(fileId);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static List<String> ids(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("custom_id").asText()).toList();
    }

    @Test
    void aBatchRunsThroughItsLifecycleAndItsOutputIsStreamedBack() throws Exception {
        start(Behavior.builder().batchRate(200).build());
        FileObject in = client.files().upload(requests(50), "batch");
        assertEquals("batch", in.purpose());
        assertTrue(in.bytes() > 50 * 100, in.toString());
        assertEquals(in, client.files().retrieve(in.id()));

        Batch b = client.batches().create(in.id(), BatchApi.CHAT_COMPLETIONS, "24h", Map.of("cell", "t1"));
        assertEquals("validating", b.status());
        assertEquals(Map.of("cell", "t1"), b.metadata());
        assertEquals(in.id(), b.inputFileId());
        // 50 lines at 200 a second: in progress for about a quarter of a second, with counts that grow.
        Batch running = until(b.id(), "in_progress", Duration.ofSeconds(5));
        assertEquals(50, running.requestCounts().total());
        Batch done = until(b.id(), "completed", Duration.ofSeconds(10));
        assertEquals(new Batch.RequestCounts(50, 50, 0), done.requestCounts());
        assertTrue(done.isDone());
        assertNull(done.errorFileId(), "nothing failed: no error file");
        assertTrue(done.completedAt() >= done.createdAt());

        List<JsonNode> out = lines(done.outputFileId());
        assertEquals(50, out.size());
        Map<String, String> answers = new HashMap<>();
        for (JsonNode l : out) {
            assertEquals(200, l.at("/response/status_code").asInt());
            answers.put(l.get("custom_id").asText(), l.at("/response/body/choices/0/message/content").asText());
        }
        assertEquals("Echo: prompt 7", answers.get("row-7"));
        FileObject output = client.files().retrieve(done.outputFileId());
        assertEquals("batch_output", output.purpose());

        Path copy = dir.resolve("copy/out.jsonl");
        assertEquals(output.bytes(), client.files().download(done.outputFileId(), copy));
        assertEquals(50, Files.readAllLines(copy).size());

        assertTrue(client.files().delete(in.id()));
        ChorusException gone = assertThrows(ChorusException.class, () -> client.files().retrieve(in.id()));
        assertEquals(404, gone.status());
    }

    @Test
    void anInputFileWithBadLinesFailsTheBatchWithTheirLineNumbers() throws Exception {
        start(Behavior.DEFAULT);
        Path f = requests(4);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(1, "not json");
        lines.set(3, lines.get(0)); // a second row-0
        Files.write(f, lines);
        Batch b = client.batches().create(client.files().upload(f, "batch").id(), BatchApi.CHAT_COMPLETIONS, "24h",
                Map.of());
        Batch failed = until(b.id(), "failed", Duration.ofSeconds(5));
        assertEquals(List.of(2, 4), failed.errors().stream().map(Batch.Error::line).toList());
        assertEquals("duplicate_custom_id", failed.errors().get(1).code());
        assertNull(failed.outputFileId());
    }

    @Test
    void pastItsWindowABatchExpiresAndEveryLineIsInOneOfItsTwoFiles() throws Exception {
        start(Behavior.builder().batchRate(20).build());
        Batch b = client.batches().create(client.files().upload(requests(60), "batch").id(),
                BatchApi.CHAT_COMPLETIONS, "1s", Map.of());
        Batch expired = until(b.id(), "expired", Duration.ofSeconds(10));
        List<JsonNode> ok = lines(expired.outputFileId());
        List<JsonNode> failed = lines(expired.errorFileId());
        assertFalse(ok.isEmpty(), "some lines ran within the second");
        assertFalse(failed.isEmpty(), "60 lines at 20 a second do not fit in one");
        assertTrue(failed.stream().allMatch(l -> l.at("/error/code").asText().equals("batch_expired")));
        assertEquals(new Batch.RequestCounts(60, ok.size(), failed.size()), expired.requestCounts());
        TreeSet<String> all = new TreeSet<>(ids(ok));
        all.addAll(ids(failed));
        assertEquals(60, all.size(), "none lost, none twice");
    }

    @Test
    void aCancelledBatchGoesThroughCancellingAndAccountsForEveryLine() throws Exception {
        start(Behavior.builder().batchRate(20).build());
        Batch b = client.batches().create(client.files().upload(requests(100), "batch").id(),
                BatchApi.CHAT_COMPLETIONS, "24h", Map.of());
        until(b.id(), "in_progress", Duration.ofSeconds(5));
        Batch cancelling = client.batches().cancel(b.id());
        assertTrue(cancelling.status().equals("cancelling") || cancelling.status().equals("cancelled"), cancelling.status());
        Batch cancelled = until(b.id(), "cancelled", Duration.ofSeconds(5));
        List<JsonNode> ok = lines(cancelled.outputFileId());
        List<JsonNode> failed = lines(cancelled.errorFileId());
        assertTrue(failed.stream().allMatch(l -> l.at("/error/code").asText().equals("batch_cancelled")));
        assertEquals(100, ok.size() + failed.size());
        assertEquals("cancelled", client.batches().cancel(b.id()).status(), "cancelling a finished batch changes nothing");
    }

    @Test
    void faultsHitLinesOneByOneAndLandInTheErrorFile() throws Exception {
        start(Behavior.builder().batchRate(5000).failRate(0.3).faults(Fault.RATE_LIMIT_429, Fault.SERVER_500).seed(3)
                .build());
        Batch b = client.batches().create(client.files().upload(requests(200), "batch").id(),
                BatchApi.CHAT_COMPLETIONS, "24h", Map.of());
        Batch done = until(b.id(), "completed", Duration.ofSeconds(10));
        List<JsonNode> ok = lines(done.outputFileId());
        List<JsonNode> failed = lines(done.errorFileId());
        assertEquals(200, ok.size() + failed.size());
        assertTrue(failed.size() > 30 && failed.size() < 90, failed.size() + " of 200 at a 30% fault rate");
        assertTrue(failed.stream().allMatch(l -> List.of(429, 500).contains(l.at("/response/status_code").asInt())));
        assertTrue(failed.stream().allMatch(l -> !l.at("/response/body/error/message").asText().isEmpty()));
        assertEquals(new Batch.RequestCounts(200, ok.size(), failed.size()), done.requestCounts());
    }

    @Test
    void batchesAreListedNewestFirstPageByPage() throws Exception {
        start(Behavior.DEFAULT);
        String file = client.files().upload(requests(1), "batch").id();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(client.batches().create(file, BatchApi.CHAT_COMPLETIONS, "24h", Map.of()).id());
        }
        BatchPage first = client.batches().list(2, null);
        assertEquals(List.of(created.get(4), created.get(3)), first.data().stream().map(Batch::id).toList());
        assertTrue(first.hasMore());
        BatchPage rest = client.batches().list(10, first.lastId());
        assertEquals(List.of(created.get(2), created.get(1), created.get(0)), rest.data().stream().map(Batch::id).toList());
        assertFalse(rest.hasMore());
    }

    @Test
    void refusalsAreOneClearError() throws Exception {
        start(Behavior.DEFAULT);
        ChorusException noFile = assertThrows(ChorusException.class,
                () -> client.batches().create("file-nope", BatchApi.CHAT_COMPLETIONS, "24h", Map.of()));
        assertEquals(400, noFile.status());
        assertTrue(noFile.getMessage().contains("No file with id 'file-nope'"), noFile.getMessage());
        String notForBatch = client.files().upload(requests(1), "fine-tune").id();
        ChorusException purpose = assertThrows(ChorusException.class,
                () -> client.batches().create(notForBatch, BatchApi.CHAT_COMPLETIONS, "24h", Map.of()));
        assertTrue(purpose.getMessage().contains("purpose 'fine-tune'"), purpose.getMessage());
        assertThrows(IllegalArgumentException.class, () -> client.files().upload(dir.resolve("missing.jsonl"), "batch"));
        try (ChatClient anonymous = ChatClient.builder().baseUrl(sandbox.baseUrl()).build()) {
            assertThrows(AuthenticationException.class, () -> anonymous.files().upload(requests(1), "batch"));
            assertThrows(AuthenticationException.class, () -> anonymous.batches().list(1, null));
        }
    }
}
