package dev.chorus.magics;

import dev.chorus.client.ChatRequest;
import dev.chorus.client.Message;
import dev.chorus.client.structured.OutputSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each row's chat request (the template with the row's prompt, in a grid the variant's model and
 * parameters), and with a response cache each row's key and the answer the cache holds for it. What
 * a realtime fan-out ({@link FanOutJob}) and a batch ({@link BatchJob}) send for a row, and look up,
 * is the same.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class RowRequests {
    private final ChatRequest template;
    /** Each row's cache key, or null without a cache. */
    private final String[] keys;
    private final Map<String, ResponseCache.Entry> hits;

    /**
     * @param template the request every row's is made from: its last message is replaced by the row's prompt
     * @param cache    the response cache, or null
     * @param refresh  look nothing up (every row asks again)
     */
    RowRequests(String baseUrl, ChatRequest template, List<FanOutJob.Row> rows, OutputSchema schema,
                ResponseCache cache, boolean refresh) {
        this.template = template;
        if (cache == null) {
            keys = null;
            hits = Map.of();
            return;
        }
        keys = new String[rows.size()];
        Map<String, Integer> copies = new HashMap<>();
        for (FanOutJob.Row row : rows) {
            ChatRequest asked = request(row);
            String key = ResponseCache.key(baseUrl, schema == null ? asked : schema.request(asked, false));
            // Above temperature 0 identical rows are samples: the k-th copy keeps an answer of its own.
            int k = atZero(row) ? 0 : copies.merge(key, 1, Integer::sum) - 1;
            keys[row.index()] = k == 0 ? key : key + "#" + k;
        }
        hits = refresh ? Map.of() : cache.getAll(List.of(keys));
    }

    /** The row's request, as sent (the schema's response_format aside). */
    ChatRequest request(FanOutJob.Row row) {
        List<Message> messages = new ArrayList<>(template.messages());
        messages.set(messages.size() - 1, Message.user(row.prompt()));
        // The record's constructor, not a builder: a million-row batch builds each request twice.
        ChatRequest base = new ChatRequest(template.model(), messages, template.maxTokens(), template.temperature(),
                template.topP(), template.stop(), template.extra());
        return row.variant() == null ? base : row.variant().apply(base);
    }

    /** True when the row asks at temperature 0, where identical requests are sent once. */
    boolean atZero(FanOutJob.Row row) {
        Double t = row.variant() == null ? template.temperature() : row.variant().temperature(template.temperature());
        return t != null && t == 0;
    }

    /** True with a response cache. */
    boolean caching() {
        return keys != null;
    }

    /** The row's cache key, or null without a cache. */
    String key(int index) {
        return keys == null ? null : keys[index];
    }

    /** The answer the cache held for the row when the run began, or null. */
    ResponseCache.Entry hit(int index) {
        return keys == null ? null : hits.get(keys[index]);
    }

    /** Whether any row's answer was cached. */
    boolean anyHit() {
        return !hits.isEmpty();
    }
}
