package dev.chorus.client;

import dev.chorus.client.internal.Json;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * {@code client.batches()}: hands a JSONL file of requests to the provider's Batch API
 * ({@code /batches}), follows it, cancels it and lists batches. Calls are authorised, retried and
 * cancelled on interrupt as chat calls are; a failure is a {@link ChorusException} naming the call.
 * Thread-safe.
 */
public final class BatchApi {
    /** The endpoint a batch of chat completions names. */
    public static final String CHAT_COMPLETIONS = "/v1/chat/completions";

    private final Calls calls;

    BatchApi(Calls calls) {
        this.calls = calls;
    }

    /**
     * {@code POST /batches}: runs the requests of the uploaded file {@code inputFileId} (purpose
     * {@code batch}) against {@code endpoint} within {@code completionWindow} ({@code 24h}).
     */
    public Batch create(String inputFileId, String endpoint, String completionWindow, Map<String, String> metadata) {
        Objects.requireNonNull(inputFileId, "inputFileId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(completionWindow, "completionWindow");
        return calls.json("POST", calls.endpoint("batches"),
                Json.batchRequest(inputFileId, endpoint, completionWindow, metadata), Json::batch);
    }

    /** {@code GET /batches/{id}}: its status and request counts now. */
    public Batch retrieve(String batchId) {
        return calls.json("GET", batchUrl(batchId, null), null, Json::batch);
    }

    /** {@code POST /batches/{id}/cancel}: asks the provider to stop it ({@code cancelling}, then {@code cancelled}). */
    public Batch cancel(String batchId) {
        return calls.json("POST", batchUrl(batchId, "cancel"), new byte[0], Json::batch);
    }

    /** {@code GET /batches?limit=N[&after=ID]}: a page of batches, newest first. */
    public BatchPage list(int limit, String after) {
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be 1..100, got " + limit);
        }
        HttpUrl.Builder b = calls.endpoint("batches").newBuilder().addQueryParameter("limit", String.valueOf(limit));
        if (after != null) {
            b.addQueryParameter("after", after);
        }
        return calls.json("GET", b.build(), null, Json::batches);
    }

    private HttpUrl batchUrl(String batchId, String then) {
        Objects.requireNonNull(batchId, "batchId");
        HttpUrl.Builder b = calls.endpoint("batches").newBuilder().addPathSegment(batchId);
        if (then != null) {
            b.addPathSegment(then);
        }
        return b.build();
    }
}
