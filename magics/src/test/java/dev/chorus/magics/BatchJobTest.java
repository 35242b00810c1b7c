package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatRequest;
import dev.chorus.sandbox.Behavior;
import dev.chorus.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** {@link BatchJob} against the sandbox: the split of the input at its limits, the merge, the state file. */
@Timeout(120)
class BatchJobTest {
    @TempDir
    Path dir;
    private Sandbox sandbox;
    private ChatClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private BatchJob job(int n, Path state, int maxLines, long maxBytes) {
        if (sandbox == null) {
            sandbox = Sandbox.start(Behavior.builder().batchRate(1_000_000).build());
            client = ChatClient.builder().baseUrl(sandbox.baseUrl()).apiKey("sk-test").model("default").build();
        }
        List<String> prompts = IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
        List<FanOutJob.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new FanOutJob.Row(i, prompts.get(i)));
        }
        ChatRequest template = ChatRequest.builder().model("default").user("-").maxTokens(4).build();
        RowRequests requests = new RowRequests(client.baseUrl(), template, rows, null, null, false);
        ResultTable table = new ResultTable("r", Inputs.of(prompts, "xs"), prompts);
        return new BatchJob(client, rows, requests, table, null, state, "default", null, maxLines, maxBytes);
    }

    private static int parts(Path state) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(state.toFile()).path("parts").size();
    }

    @Test
    void theInputIsSplitAtTheLineLimitAndEveryRowComesBackOnce() throws Exception {
        Path state = dir.resolve("state.json");
        BatchJob job = job(23, state, 10, Long.MAX_VALUE);
        BatchJob.Outcome outcome = job.run();
        assertFalse(outcome.detached());
        assertEquals(3, outcome.batches().size(), "23 rows in files of 10: 10, 10, 3");
        assertEquals(List.of(10, 10, 3), outcome.batches().stream().map(b -> b.requestCounts().total()).toList());
        assertEquals(3, parts(state));
        assertEquals(23, outcome.merged());
        Table t = job.table().table();
        assertEquals(23, t.stringColumn("status").countOccurrences("ok"));
        assertEquals(23, new HashSet<>(t.stringColumn("answer").asList()).size());
        assertEquals("Echo: p17", t.stringColumn("answer").get(17));
    }

    @Test
    void theInputIsSplitAtTheByteLimit() throws Exception {
        // Each line is about 150 bytes: 400 bytes hold two.
        BatchJob job = job(9, dir.resolve("state.json"), 1000, 400);
        BatchJob.Outcome outcome = job.run();
        assertEquals(List.of(2, 2, 2, 2, 1), outcome.batches().stream().map(b -> b.requestCounts().total()).toList());
        assertEquals(9, job.table().table().stringColumn("status").countOccurrences("ok"));
    }

    @Test
    void fiftyThousandAndOneRowsMakeTwoBatches() throws Exception {
        Path state = dir.resolve("big.json");
        BatchJob job = job(BatchJob.MAX_LINES + 1, state, BatchJob.MAX_LINES, BatchJob.MAX_BYTES);
        BatchJob.Outcome outcome = job.run();
        assertEquals(List.of(50_000, 1), outcome.batches().stream().map(b -> b.requestCounts().total()).toList());
        assertEquals(BatchJob.MAX_LINES + 1, job.table().table().stringColumn("status").countOccurrences("ok"));
    }

    @Test
    void retryFailedSubmitsTheFailedRowsOnceMoreAndTheirAnswersReplaceTheFailures() throws Exception {
        Path state = dir.resolve("retry.json");
        sandbox = Sandbox.start(Behavior.builder().batchRate(1_000_000).failRate(0.4)
                .faults(dev.chorus.sandbox.Fault.SERVER_500).seed(11).build());
        client = ChatClient.builder().baseUrl(sandbox.baseUrl()).apiKey("sk-test").model("default").build();
        BatchJob first = job(40, state, 100, Long.MAX_VALUE);
        first.run();
        Table t1 = first.table().table();
        int failed = t1.stringColumn("status").countOccurrences("failed");
        assertTrue(failed > 5 && failed < 35, failed + " of 40 failed at 40%");
        assertTrue(t1.stringColumn("error").get(t1.stringColumn("status").indexOf("failed")).startsWith("HTTP 500"),
                t1.stringColumn("error").asList().toString());
        // The provider is healthy again: the same cell with --retry-failed re-attaches, then submits the failures once.
        sandbox.behavior(Behavior.builder().batchRate(1_000_000).build());
        BatchJob second = job(40, state, 100, Long.MAX_VALUE).retryFailed(true);
        BatchJob.Outcome outcome = second.run();
        Table t2 = second.table().table();
        assertEquals(40, t2.stringColumn("status").countOccurrences("ok"));
        assertEquals(List.of(40, failed), outcome.batches().stream().map(b -> b.requestCounts().total()).toList());
        assertEquals(40, new HashSet<>(t2.stringColumn("answer").asList()).size());
        assertTrue(t2.stringColumn("error").asList().stream().allMatch(String::isEmpty), "no stale error on a row now ok");
        assertEquals(2, parts(state), "the retry's batch is in the state file, after the first");
        // Run again: both batches re-attached, nothing submitted.
        BatchJob third = job(40, state, 100, Long.MAX_VALUE).retryFailed(true);
        third.run();
        assertEquals(40, third.table().table().stringColumn("status").countOccurrences("ok"));
        assertEquals(2, client.batches().list(100, null).data().size());
    }

    /** Rewrites the state file: {@code edit} changes its JSON. */
    private static void editState(Path state, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
            throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(state.toFile());
        edit.accept(root);
        json.writeValue(state.toFile(), root);
    }

    @Test
    void aRunStoppedBeforeItHadSubmittedEveryPartSubmitsTheRestWhenItReattaches() throws Exception {
        Path state = dir.resolve("stopped.json");
        // The first 20 of 30 rows went out in two parts, then the kernel died: the state file is not complete.
        job(20, state, 10, Long.MAX_VALUE).run();
        assertEquals(List.of(9, 19), job(20, state, 10, Long.MAX_VALUE).attached().parts().stream()
                .map(BatchJob.Part::lastRow).toList());
        editState(state, root -> root.put("complete", false));
        BatchJob second = job(30, state, 10, Long.MAX_VALUE);
        BatchJob.Outcome outcome = second.run();
        Table t = second.table().table();
        assertEquals(30, t.stringColumn("status").countOccurrences("ok"), t.stringColumn("error").asList().toString());
        assertEquals(30, new HashSet<>(t.stringColumn("answer").asList()).size());
        assertEquals(List.of(10, 10, 10), outcome.batches().stream().map(b -> b.requestCounts().total()).toList(),
                "two parts re-attached, the rest submitted as a third");
        assertEquals(3, parts(state));
        assertTrue(second.attached().complete());
        // Complete now: a third run submits nothing.
        job(30, state, 10, Long.MAX_VALUE).run();
        assertEquals(3, client.batches().list(100, null).data().size());
    }

    @Test
    void aBatchCreatedButNotYetRecordedIsAdoptedNotSubmittedAgain() throws Exception {
        Path state = dir.resolve("unrecorded.json");
        job(30, state, 10, Long.MAX_VALUE).run();
        // As if the kernel died after the third batch was created and before the state file named it.
        editState(state, root -> {
            root.put("complete", false);
            ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("parts")).remove(2);
        });
        BatchJob second = job(30, state, 10, Long.MAX_VALUE);
        second.run();
        assertEquals(30, second.table().table().stringColumn("status").countOccurrences("ok"));
        assertEquals(3, client.batches().list(100, null).data().size(), "the third batch adopted from the provider's list");
        assertEquals(3, parts(state));
    }

    @Test
    void aFirstBatchCreatedBeforeTheStateFileNamedItIsAdoptedToo() throws Exception {
        Path state = dir.resolve("first.json");
        job(10, state, 10, Long.MAX_VALUE).run();
        // As if the kernel died right after creating its only batch: the state file names the submission, no part.
        editState(state, root -> {
            root.put("complete", false);
            ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("parts")).removeAll();
        });
        BatchJob second = job(10, state, 10, Long.MAX_VALUE);
        second.run();
        assertEquals(10, second.table().table().stringColumn("status").countOccurrences("ok"));
        assertEquals(1, client.batches().list(100, null).data().size(), "adopted, not submitted again");
        assertEquals(1, parts(state));
    }

    @Test
    void aRunStoppedBeforeItsFirstBatchSubmitsEverythingWhenRunAgain() throws Exception {
        Path state = dir.resolve("none.json");
        BatchJob again = job(10, state, 10, Long.MAX_VALUE);
        // The state file as written before the first batch (the kernel died before creating it).
        Files.writeString(state, "{\"base_url\":\"" + client.baseUrl()
                + "\",\"rows\":10,\"complete\":false,\"run\":\"r1\",\"parts\":[]}");
        again.run();
        assertEquals(10, again.table().table().stringColumn("status").countOccurrences("ok"));
        assertEquals(1, client.batches().list(100, null).data().size());
        assertTrue(again.attached().complete());
    }

    @Test
    void onlyBatchesOfTheSameSubmissionAreAdopted() throws Exception {
        Path state = dir.resolve("another.json");
        job(30, state, 10, Long.MAX_VALUE).run();
        // Another submission of the same cell (its run id differs) stopped after two parts: the third batch of
        // the first submission is not its own (it might have been cancelled), so its rows go out anew.
        editState(state, root -> {
            root.put("complete", false).put("run", "another-submission");
            ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("parts")).remove(2);
        });
        BatchJob second = job(30, state, 10, Long.MAX_VALUE);
        second.run();
        assertEquals(30, second.table().table().stringColumn("status").countOccurrences("ok"));
        assertEquals(4, client.batches().list(100, null).data().size());
    }

    @Test
    void aCompleteStateOrOneOfAnEarlierVersionSubmitsNothingMore() throws Exception {
        Path state = dir.resolve("complete.json");
        job(20, state, 10, Long.MAX_VALUE).run();
        // The same state with rows its run did not submit (say, cached then and not now): nothing goes out.
        BatchJob more = job(30, state, 10, Long.MAX_VALUE);
        more.run();
        assertEquals(2, client.batches().list(100, null).data().size());
        Table t = more.table().table();
        assertEquals(20, t.stringColumn("status").countOccurrences("ok"));
        assertEquals(10, t.stringColumn("status").countOccurrences("failed"));
        // A state file of the earlier version (no "complete", no "last_row"): nothing more either.
        editState(state, root -> {
            root.remove("complete");
            root.get("parts").forEach(p -> ((com.fasterxml.jackson.databind.node.ObjectNode) p).remove("last_row"));
        });
        assertTrue(job(30, state, 10, Long.MAX_VALUE).attached().complete());
        job(30, state, 10, Long.MAX_VALUE).run();
        assertEquals(2, client.batches().list(100, null).data().size());
    }

    @Test
    void cancellingMarksTheSubmissionComplete() throws Exception {
        Path state = dir.resolve("cancel.json");
        job(20, state, 10, Long.MAX_VALUE).run();
        editState(state, root -> root.put("complete", false));
        BatchJob.cancel(client, state);
        assertTrue(job(30, state, 10, Long.MAX_VALUE).attached().complete(), "a cancelled run is not resumed");
    }

    /** A shape for the state file's name. */
    record Verdict(String label) {
    }

    @Test
    void theDefaultStateIsNamedByTheRequestsAsSentSchemaIncluded() {
        List<FanOutJob.Row> rows = List.of(new FanOutJob.Row(0, "a"), new FanOutJob.Row(1, "b"));
        ChatRequest template = ChatRequest.builder().model("default").user("-").build();
        RowRequests requests = new RowRequests("http://h/v1", template, rows, null, null, false);
        Path plain = BatchJob.defaultState(dir, "http://h/v1", rows, requests, null, "default");
        assertEquals(plain, BatchJob.defaultState(dir, "http://h/v1", rows, requests, null, "default"));
        assertFalse(plain.equals(BatchJob.defaultState(dir, "http://h/v1", rows, requests,
                dev.chorus.client.structured.OutputSchema.of(Verdict.class), "default")), "another schema, another batch");
        assertFalse(plain.equals(BatchJob.defaultState(dir, "http://other/v1", rows, requests, null, "default")));
    }

    @Test
    void aSecondRunReattachesToTheBatchesOfItsStateFile() throws Exception {
        Path state = dir.resolve("again.json");
        BatchJob first = job(5, state, 10, Long.MAX_VALUE);
        first.run();
        assertTrue(Files.isRegularFile(state));
        List<BatchJob.Part> parts = first.attached().parts();
        assertEquals(1, parts.size());
        assertEquals(5, parts.get(0).lines());
        // A new job with the same state file (a kernel restarted) submits nothing and fills its table from the batch.
        BatchJob second = job(5, state, 10, Long.MAX_VALUE);
        BatchJob.Outcome outcome = second.run();
        assertEquals(List.of(parts.get(0).batchId()), outcome.batches().stream().map(b -> b.id()).toList());
        assertEquals(1, client.batches().list(100, null).data().size(), "nothing submitted twice");
        assertEquals(5, second.table().table().stringColumn("status").countOccurrences("ok"));
        // A state file of another endpoint is not this run's.
        Files.writeString(state, Files.readString(state).replace(client.baseUrl(), "http://elsewhere/v1"));
        assertEquals(null, second.attached());
    }
}
