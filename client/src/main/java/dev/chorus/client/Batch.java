package dev.chorus.client;

import java.util.List;
import java.util.Map;

/**
 * A batch ({@code /batches}): a JSONL file of requests the provider runs within its completion
 * window, at its own pace and usually at half the price. Its {@code status} goes
 * {@code validating → in_progress → finalizing → completed}, or ends {@code failed} (the input
 * was refused: see {@code errors}), {@code expired} (the window passed; what finished is in the
 * output file) or {@code cancelled} (after {@code cancelling}).
 *
 * <p>Immutable and thread-safe. Ids of files not written yet are null; timestamps are seconds
 * since the epoch, null when the batch has not reached that point.
 */
public record Batch(String id, String status, String endpoint, String inputFileId, String outputFileId,
                    String errorFileId, String completionWindow, long createdAt, Long inProgressAt,
                    Long completedAt, Long failedAt, Long expiredAt, Long cancelledAt,
                    RequestCounts requestCounts, List<Error> errors, Map<String, String> metadata) {

    public Batch {
        requestCounts = requestCounts == null ? new RequestCounts(0, 0, 0) : requestCounts;
        errors = errors == null ? List.of() : List.copyOf(errors);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether the batch has stopped changing: completed, failed, expired or cancelled. */
    public boolean isDone() {
        return switch (status) {
            case "completed", "failed", "expired", "cancelled" -> true;
            default -> false;
        };
    }

    /** How many requests the batch holds, and how many have ended well or badly so far. */
    public record RequestCounts(int total, int completed, int failed) {
    }

    /** Why the input was refused: per line where {@code line} is not null. */
    public record Error(String code, String message, String param, Integer line) {
    }
}
