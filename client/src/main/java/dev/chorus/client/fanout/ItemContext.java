package dev.chorus.client.fanout;

/**
 * What a running {@link ItemTask} knows about its item, and where it reports token usage.
 *
 * <p>Threading: one context per item, used only by that item's thread.
 */
public interface ItemContext {
    /** The position of the input in the list given to the engine. */
    int index();

    /** The attempt being made, starting at 1. */
    int attempt();

    /** The index of the endpoint the item was dispatched to, in the order endpoints were declared (0 if none). */
    int endpoint();

    /** The name of that endpoint. */
    String endpointName();

    /**
     * Adds tokens the item used (reported in {@link ItemResult} and the summary): call it once per
     * request an attempt makes, so that what failed or was asked again is counted too.
     */
    void tokens(long promptTokens, long completionTokens);
}
