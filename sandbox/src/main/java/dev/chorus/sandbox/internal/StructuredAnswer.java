package dev.chorus.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The sandbox's answers to requests with a {@code response_format}: deterministic JSON derived
 * from the prompt.
 *
 * <ul>
 *   <li>{@code json_schema}: a document that conforms to the schema, derived from the first user
 *       message (the task). Strings are made of its words, numbers and booleans come from a hash of the prompt and the field's path,
 *       an enum value is picked by that hash, an array has one to three items (within
 *       minItems/maxItems), nested objects are filled the same way, {@code $ref}s are followed,
 *       a nullable field gets its non-null form.</li>
 *   <li>{@code json_object}: the same, for a JSON Schema found in a system message (as a client
 *       that falls back from json_schema sends it), else {@code {"echo": "<last user message>"}}.</li>
 *   <li>{@link #broken}: what the {@code invalid-json} fault answers: alternately text that is
 *       not JSON and JSON that misses a required field (or has the wrong type).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class StructuredAnswer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** From this depth on, arrays get their fewest items and nullable fields null, so recursion ends. */
    private static final int SHALLOW = 4;
    /** A schema that recurses through required objects alone cannot end; stop there. */
    private static final int MAX_DEPTH = 32;
    private static final LocalDate EPOCH = LocalDate.of(2020, 1, 1);

    private StructuredAnswer() {
    }

    /** The schema a request's response_format asks for: its json_schema, one from a system message, or null. */
    static JsonNode schemaOf(JsonNode responseFormat, List<String> systemTexts) {
        String type = responseFormat.path("type").asText("");
        if (type.equals("json_schema")) {
            JsonNode s = responseFormat.path("json_schema").path("schema");
            return s.isObject() ? s : NODES.objectNode();
        }
        for (String text : systemTexts) {
            int start = text.indexOf('{');
            if (start < 0) {
                continue;
            }
            JsonNode n = Json.parseOrNull(text.substring(start).getBytes(StandardCharsets.UTF_8));
            if (n != null && n.isObject() && (n.has("properties") || n.has("type"))) {
                return n;
            }
        }
        return null;
    }

    /** The content answering {@code task} for {@code schema} (null: a small echo object). */
    static String content(JsonNode schema, String task) {
        if (schema == null) {
            return Json.string(NODES.objectNode().put("echo", task));
        }
        return Json.string(generate(schema, schema, new Source(task), "$", 0));
    }

    /** Content that breaks {@code schema}: not JSON for even hashes, a missing or mistyped field for odd ones. */
    static String broken(JsonNode schema, String task) {
        long h = hash(task, "broken");
        JsonNode good = schema == null ? null : generate(schema, schema, new Source(task), "$", 0);
        if ((h & 1) == 0 || good == null || !good.isObject() || good.isEmpty()) {
            String start = good == null ? "{\"echo\": " : good.toString();
            return "Here is the JSON you asked for: " + start.substring(0, Math.max(1, start.length() / 2));
        }
        ObjectNode o = (ObjectNode) good;
        String first = o.fieldNames().next();
        if ((h & 2) == 0) {
            o.remove(first);
        } else {
            JsonNode v = o.get(first);
            o.set(first, v.isTextual() ? NODES.numberNode(42) : NODES.textNode("forty-two"));
        }
        return Json.string(o);
    }

    /** Where the prompt's words come from. */
    private record Source(String prompt, List<String> words) {
        Source(String prompt) {
            this(prompt, words(prompt));
        }

        private static List<String> words(String prompt) {
            List<String> out = new ArrayList<>();
            for (String w : prompt.split("[^\\p{L}\\p{N}]+")) {
                if (!w.isEmpty()) {
                    out.add(w.toLowerCase(Locale.ROOT));
                }
            }
            if (out.isEmpty()) {
                out.add("sandbox");
            }
            return out;
        }
    }

    private static JsonNode generate(JsonNode s, JsonNode root, Source src, String path, int depth) {
        JsonNode n = resolve(s, root);
        long h = hash(src.prompt(), path);
        if (n.has("const")) {
            return n.get("const");
        }
        JsonNode e = n.get("enum");
        if (e != null && e.isArray() && !e.isEmpty()) {
            List<JsonNode> values = new ArrayList<>();
            e.forEach(v -> {
                if (!v.isNull()) {
                    values.add(v);
                }
            });
            return values.isEmpty() ? NODES.nullNode() : values.get((int) Long.remainderUnsigned(h, values.size()));
        }
        for (String key : List.of("anyOf", "oneOf")) {
            JsonNode any = n.get(key);
            if (any != null && any.isArray() && !any.isEmpty()) {
                List<JsonNode> branches = new ArrayList<>();
                boolean nullable = false;
                for (JsonNode b : any) {
                    if ("null".equals(resolve(b, root).path("type").asText())) {
                        nullable = true;
                    } else {
                        branches.add(b);
                    }
                }
                if (branches.isEmpty() || nullable && depth >= SHALLOW || depth >= MAX_DEPTH) {
                    return NODES.nullNode();
                }
                return generate(branches.get((int) Long.remainderUnsigned(h, branches.size())), root, src, path,
                        depth + 1);
            }
        }
        JsonNode all = n.get("allOf");
        if (all != null && all.isArray() && !all.isEmpty()) {
            return generate(all.get(0), root, src, path, depth + 1);
        }
        String type = type(n);
        return switch (type) {
            case "object" -> object(n, root, src, path, depth);
            case "array" -> array(n, root, src, path, depth, h);
            case "string" -> string(n, src, h);
            case "integer" -> NODES.numberNode(integer(n, h));
            case "number" -> NODES.numberNode(number(n, h));
            case "boolean" -> NODES.booleanNode((h & 1) == 1);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(word(src, h));
        };
    }

    private static JsonNode resolve(JsonNode s, JsonNode root) {
        JsonNode n = s;
        for (int i = 0; i < 16; i++) {
            JsonNode ref = n.get("$ref");
            if (ref == null || !ref.isTextual() || !ref.asText().startsWith("#")) {
                break;
            }
            JsonNode target = root.at(ref.asText().substring(1));
            if (target.isMissingNode()) {
                break;
            }
            n = target;
        }
        return n;
    }

    private static String type(JsonNode n) {
        JsonNode t = n.get("type");
        if (t == null) {
            return n.has("properties") ? "object" : n.has("items") ? "array" : "";
        }
        if (t.isTextual()) {
            return t.asText();
        }
        for (JsonNode v : t) {
            if (!v.asText().equals("null")) {
                return v.asText();
            }
        }
        return "null";
    }

    private static JsonNode object(JsonNode n, JsonNode root, Source src, String path, int depth) {
        ObjectNode out = NODES.objectNode();
        JsonNode props = n.get("properties");
        if (props == null || depth >= MAX_DEPTH) {
            return out;
        }
        Iterator<String> names = props.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            out.set(name, generate(props.get(name), root, src, path + "." + name, depth + 1));
        }
        return out;
    }

    private static JsonNode array(JsonNode n, JsonNode root, Source src, String path, int depth, long h) {
        ArrayNode out = NODES.arrayNode();
        int min = n.path("minItems").asInt(0);
        int max = n.has("maxItems") ? n.get("maxItems").asInt() : Integer.MAX_VALUE;
        int count = depth >= SHALLOW ? min : 1 + (int) Long.remainderUnsigned(h, 3);
        count = Math.max(min, Math.min(max, count));
        JsonNode items = n.has("items") ? n.get("items") : NODES.objectNode().put("type", "string");
        for (int i = 0; i < count; i++) {
            out.add(generate(items, root, src, path + "[" + i + "]", depth + 1));
        }
        return out;
    }

    private static JsonNode string(JsonNode n, Source src, long h) {
        String format = n.path("format").asText("");
        String s = switch (format) {
            case "date" -> EPOCH.plusDays(Long.remainderUnsigned(h, 2500)).toString();
            case "date-time" -> LocalDateTime.of(EPOCH.plusDays(Long.remainderUnsigned(h, 2500)),
                    java.time.LocalTime.ofSecondOfDay(Long.remainderUnsigned(h >>> 20, 86_400)))
                    .atOffset(ZoneOffset.UTC).toString();
            case "time" -> java.time.LocalTime.ofSecondOfDay(Long.remainderUnsigned(h, 86_400)) + "Z";
            case "email" -> word(src, h) + "@example.com";
            case "uuid" -> new UUID(h, Draw.mix(h)).toString();
            case "uri" -> "https://example.com/" + word(src, h);
            default -> words(src, h);
        };
        int minLength = n.path("minLength").asInt(0);
        int maxLength = n.has("maxLength") ? n.get("maxLength").asInt() : Integer.MAX_VALUE;
        StringBuilder b = new StringBuilder(s);
        while (b.length() < minLength) {
            b.append(' ').append(word(src, h + b.length()));
        }
        return NODES.textNode(b.length() > maxLength ? b.substring(0, maxLength) : b.toString());
    }

    private static String words(Source src, long h) {
        int count = 1 + (int) Long.remainderUnsigned(h >>> 8, 4);
        int start = (int) Long.remainderUnsigned(h, src.words().size());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(src.words().get((start + i) % src.words().size()));
        }
        return b.toString();
    }

    private static String word(Source src, long h) {
        return src.words().get((int) Long.remainderUnsigned(h, src.words().size()));
    }

    private static long integer(JsonNode n, long h) {
        long lo = n.has("minimum") ? (long) Math.ceil(n.get("minimum").asDouble()) : 0;
        long hi = n.has("maximum") ? (long) Math.floor(n.get("maximum").asDouble()) : Math.max(lo, 0) + 100;
        if (n.has("exclusiveMinimum") && n.get("exclusiveMinimum").isNumber()) {
            lo = Math.max(lo, (long) Math.floor(n.get("exclusiveMinimum").asDouble()) + 1);
        }
        if (n.has("exclusiveMaximum") && n.get("exclusiveMaximum").isNumber()) {
            hi = Math.min(hi, (long) Math.ceil(n.get("exclusiveMaximum").asDouble()) - 1);
        }
        if (hi < lo) {
            return lo;
        }
        if (hi - lo > 1000 || hi - lo < 0) {
            // A type's own range (an int's, say) rather than the task's: keep to small numbers in it.
            long from = Math.max(lo, Math.min(0, hi));
            return from + Long.remainderUnsigned(h, Math.min(hi - from, 100) + 1);
        }
        return lo + Long.remainderUnsigned(h, hi - lo + 1);
    }

    private static double number(JsonNode n, long h) {
        double lo = n.has("minimum") ? n.get("minimum").asDouble() : 0;
        double hi = n.has("maximum") ? n.get("maximum").asDouble() : lo + 1;
        double unit = (h >>> 11) * 0x1.0p-53;
        double v = Math.round((lo + unit * (hi - lo)) * 100) / 100.0;
        return Math.min(hi, Math.max(lo, v));
    }

    private static long hash(String prompt, String path) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (prompt + "\u0000" + path).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return Draw.mix(h);
    }
}
