package dev.chorus.client.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a JSON Schema fit the strict structured-output mode of OpenAI-compatible servers: an
 * object at the root (anything else is wrapped as {@code {"value": …}}), and in every object
 * {@code additionalProperties: false} with every property required, where a property that was
 * optional becomes required and nullable.
 *
 * <p>Stateless; works on a deep copy, never on the caller's schema.
 */
final class StrictSchema {
    static final String WRAPPER = "value";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> DEFINITIONS = List.of("$defs", "definitions");

    private StrictSchema() {
    }

    /** The strict form of {@code schema}, and whether its root was wrapped. */
    record Result(ObjectNode schema, boolean wrapped) {
    }

    static Result of(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("a JSON Schema is a JSON object, got " + (schema == null ? "nothing"
                    : schema.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        ObjectNode root = schema.deepCopy();
        root.remove("$schema");
        boolean wrapped = !isObjectType(root);
        if (wrapped) {
            ObjectNode outer = NODES.objectNode();
            outer.put("type", "object");
            // References are resolved from the document root: the definitions move up with it.
            for (String key : DEFINITIONS) {
                JsonNode defs = root.remove(key);
                if (defs != null) {
                    outer.set(key, defs);
                }
            }
            outer.putObject("properties").set(WRAPPER, root);
            outer.putArray("required").add(WRAPPER);
            root = outer;
        }
        normalize(root);
        return new Result(root, wrapped);
    }

    private static boolean isObjectType(JsonNode n) {
        JsonNode type = n.get("type");
        return type != null && type.isTextual() && type.asText().equals("object") || type == null && n.has("properties");
    }

    private static void normalize(JsonNode node) {
        if (node == null || !node.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) node;
        JsonNode props = o.get("properties");
        if (props != null && props.isObject()) {
            Set<String> required = new HashSet<>();
            JsonNode req = o.get("required");
            if (req != null && req.isArray()) {
                req.forEach(r -> required.add(r.asText()));
            }
            ArrayNode all = NODES.arrayNode();
            Iterator<Map.Entry<String, JsonNode>> it = props.fields();
            List<String> names = new ArrayList<>();
            while (it.hasNext()) {
                names.add(it.next().getKey());
            }
            for (String name : names) {
                all.add(name);
                JsonNode p = props.get(name);
                normalize(p);
                if (!required.contains(name)) {
                    ((ObjectNode) props).set(name, nullable(p));
                }
            }
            o.set("required", all);
            o.put("additionalProperties", false);
            if (!o.has("type")) {
                o.put("type", "object");
            }
        }
        normalize(o.get("items"));
        for (String key : List.of("anyOf", "oneOf", "allOf", "prefixItems")) {
            JsonNode list = o.get(key);
            if (list != null && list.isArray()) {
                list.forEach(StrictSchema::normalize);
            }
        }
        for (String key : DEFINITIONS) {
            JsonNode defs = o.get(key);
            if (defs != null && defs.isObject()) {
                defs.forEach(StrictSchema::normalize);
            }
        }
    }

    /** {@code p} that also accepts null. */
    private static JsonNode nullable(JsonNode p) {
        if (!p.isObject()) {
            return p;
        }
        ObjectNode o = (ObjectNode) p;
        JsonNode type = o.get("type");
        if (type != null && type.isTextual() && !o.has("$ref") && !o.has("anyOf")) {
            if (!type.asText().equals("null")) {
                o.set("type", NODES.arrayNode().add(type.asText()).add("null"));
                addNullToEnum(o);
            }
            return o;
        }
        if (type != null && type.isArray()) {
            boolean hasNull = false;
            for (JsonNode t : type) {
                hasNull |= t.asText().equals("null");
            }
            if (!hasNull) {
                ((ArrayNode) type).add("null");
                addNullToEnum(o);
            }
            return o;
        }
        ObjectNode any = NODES.objectNode();
        any.putArray("anyOf").add(o).add(NODES.objectNode().put("type", "null"));
        return any;
    }

    private static void addNullToEnum(ObjectNode o) {
        JsonNode e = o.get("enum");
        if (e != null && e.isArray()) {
            boolean has = false;
            for (JsonNode v : e) {
                has |= v.isNull();
            }
            if (!has) {
                ((ArrayNode) e).addNull();
            }
        }
    }
}
