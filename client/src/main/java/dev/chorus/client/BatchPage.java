package dev.chorus.client;

import java.util.List;

/**
 * One page of {@code GET /batches}, newest first; ask for the next with
 * {@code client.batches().list(limit, page.lastId())} while {@code hasMore}.
 *
 * <p>Immutable and thread-safe.
 */
public record BatchPage(List<Batch> data, boolean hasMore, String lastId) {
    public BatchPage {
        data = List.copyOf(data);
    }
}
