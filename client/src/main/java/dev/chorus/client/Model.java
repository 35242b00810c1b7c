package dev.chorus.client;

/**
 * One model that the endpoint serves, as listed by {@code GET /models}.
 *
 * <p>Immutable and thread-safe; {@code ownedBy} is null when the server gave none.
 */
public record Model(String id, String ownedBy) {
}
