package dev.chorus.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire form of {@code client.files()} and {@code client.batches()}: requests, answers, retries, streaming. */
class FilesAndBatchesTest {
    private static final String FILE = "{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":42,\"created_at\":1700000000,"
            + "\"filename\":\"in.jsonl\",\"purpose\":\"batch\",\"status\":\"processed\"}";
    private static final String BATCH = "{\"id\":\"batch_1\",\"object\":\"batch\",\"endpoint\":\"/v1/chat/completions\","
            + "\"errors\":null,\"input_file_id\":\"file-1\",\"completion_window\":\"24h\",\"status\":\"in_progress\","
            + "\"output_file_id\":null,\"error_file_id\":null,\"created_at\":1700000000,\"in_progress_at\":1700000001,"
            + "\"expires_at\":1700086400,\"completed_at\":null,\"failed_at\":null,\"expired_at\":null,"
            + "\"cancelled_at\":null,\"request_counts\":{\"total\":3,\"completed\":1,\"failed\":1},"
            + "\"metadata\":{\"cell\":\"c1\"},\"usage\":{\"input_tokens\":5}}";

    private final MockWebServer server = new MockWebServer();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private ChatClient client;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server.start(Bodies.loopback(), 0);
        client = ChatClient.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-test-0123456789abcdef")
                .sleeper(sleeper).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .setHeader("x-request-id", "r-1").body(body).build();
    }

    @Test
    void uploadsAMultipartFileAndRetriesAServerError() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"custom_id\":\"0\"}\n");
        server.enqueue(Bodies.status(503, "busy"));
        server.enqueue(json(FILE));
        FileObject f = client.files().upload(in, "batch");
        assertEquals(new FileObject("file-1", 42, 1700000000, "in.jsonl", "batch", "processed"), f);
        assertEquals(1, sleeper.slept().size(), "the 503 was retried after a backoff");
        server.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", sent.getMethod());
        assertEquals("/v1/files", sent.getUrl().encodedPath());
        assertEquals("Bearer sk-test-0123456789abcdef", sent.getHeaders().get("Authorization"));
        assertTrue(sent.getHeaders().get("Content-Type").startsWith("multipart/form-data; boundary="));
        String body = sent.getBody().utf8();
        assertTrue(body.contains("Content-Disposition: form-data; name=\"purpose\""), body);
        assertTrue(body.contains("\r\n\r\nbatch\r\n"), body);
        assertTrue(body.contains("name=\"file\"; filename=\"in.jsonl\""), body);
        assertTrue(body.contains("{\"custom_id\":\"0\"}\n"), "the file is sent whole on the retry too: " + body);
    }

    @Test
    void streamsAFilesContentAndDeletesIt() throws Exception {
        byte[] content = "line 1\nline 2\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        server.enqueue(new MockResponse.Builder().code(200).body(new okio.Buffer().write(content)).build());
        try (InputStream in = client.files().content("file-9")) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals("/v1/files/file-9/content", server.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath());

        server.enqueue(new MockResponse.Builder().code(200).body(new okio.Buffer().write(content)).build());
        Path target = dir.resolve("out/copy.jsonl");
        assertEquals(content.length, client.files().download("file-9", target));
        assertArrayEquals(content, Files.readAllBytes(target));
        try (var left = Files.list(target.getParent())) {
            assertEquals(List.of(target), left.toList(), "no partial file left beside it");
        }
        server.takeRequest(5, TimeUnit.SECONDS);

        server.enqueue(json("{\"id\":\"file-9\",\"object\":\"file\",\"deleted\":true}"));
        assertTrue(client.files().delete("file-9"));
        RecordedRequest del = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("DELETE", del.getMethod());
        assertEquals("/v1/files/file-9", del.getUrl().encodedPath());
    }

    @Test
    void createsRetrievesCancelsAndListsBatches() throws Exception {
        server.enqueue(json(BATCH));
        Batch b = client.batches().create("file-1", BatchApi.CHAT_COMPLETIONS, "24h", Map.of("cell", "c1"));
        assertEquals("batch_1", b.id());
        assertEquals("in_progress", b.status());
        assertEquals(new Batch.RequestCounts(3, 1, 1), b.requestCounts());
        assertEquals(Map.of("cell", "c1"), b.metadata());
        assertEquals(1700000001L, b.inProgressAt());
        assertEquals(List.of(), b.errors());
        assertFalse(b.isDone());
        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/v1/batches", sent.getUrl().encodedPath());
        JsonNode body = new ObjectMapper().readTree(sent.getBody().utf8());
        assertEquals("file-1", body.get("input_file_id").asText());
        assertEquals("/v1/chat/completions", body.get("endpoint").asText());
        assertEquals("24h", body.get("completion_window").asText());
        assertEquals("c1", body.at("/metadata/cell").asText());

        server.enqueue(json(BATCH.replace("\"errors\":null", "\"errors\":{\"object\":\"list\",\"data\":[{\"code\":"
                + "\"invalid_request\",\"message\":\"bad\",\"param\":null,\"line\":2}]}").replace("in_progress\"", "failed\"")));
        Batch failed = client.batches().retrieve("batch_1");
        assertEquals(List.of(new Batch.Error("invalid_request", "bad", null, 2)), failed.errors());
        assertTrue(failed.isDone());
        assertEquals("/v1/batches/batch_1", server.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath());

        server.enqueue(json(BATCH.replace("in_progress\"", "cancelling\"")));
        assertEquals("cancelling", client.batches().cancel("batch_1").status());
        RecordedRequest cancel = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", cancel.getMethod());
        assertEquals("/v1/batches/batch_1/cancel", cancel.getUrl().encodedPath());

        server.enqueue(json("{\"object\":\"list\",\"data\":[" + BATCH + "],\"first_id\":\"batch_1\",\"last_id\":"
                + "\"batch_1\",\"has_more\":true}"));
        BatchPage page = client.batches().list(1, "batch_0");
        assertEquals(1, page.data().size());
        assertTrue(page.hasMore());
        assertEquals("batch_1", page.lastId());
        RecordedRequest list = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/v1/batches?limit=1&after=batch_0", list.getUrl().encodedPath() + "?" + list.getUrl().encodedQuery());
        assertThrows(IllegalArgumentException.class, () -> client.batches().list(0, null));
    }

    @Test
    void aBodyThatIsNotABatchIsOneClearError() {
        server.enqueue(json("{\"object\":\"batch\"}"));
        server.enqueue(json("{\"object\":\"batch\"}"));
        server.enqueue(json("{\"object\":\"batch\"}"));
        MalformedResponseException e = assertThrows(MalformedResponseException.class,
                () -> client.batches().retrieve("batch_1"));
        assertTrue(e.getMessage().startsWith("GET /v1/batches/batch_1"), e.getMessage());
        assertTrue(e.getMessage().contains("no \"id\" or \"status\""), e.getMessage());
    }
}
