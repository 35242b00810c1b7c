package dev.chorus.client.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChorusException;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.Message;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a structured answer must look like: a strict JSON Schema, generated from a Java type
 * (record, class or enum) by victools' generator or given as JSON, plus everything needed to ask
 * for it and to check it.
 *
 * <ul>
 *   <li>{@link #request} adds {@code response_format: {"type": "json_schema", "json_schema":
 *       {"name", "strict": true, "schema"}}}, or, for a server that refuses json_schema,
 *       {@code json_object} with the schema in a system message.</li>
 *   <li>{@link #check} parses an answer and validates it with networknt's validator (draft
 *       2020-12, formats such as {@code date} asserted); a rejected answer is an
 *       {@link InvalidAnswerException} with the validator's message.</li>
 *   <li>{@link #reask} adds the rejected answer and the problem to the conversation.</li>
 *   <li>{@link #fields} says which typed column each top-level field becomes.</li>
 * </ul>
 *
 * <p>Strict mode needs an object at the root with every field required: an enum, scalar or list
 * at the root is wrapped as {@code {"value": …}} (and unwrapped by {@link #check}); an
 * {@link Optional} field, a field annotated {@code @Nullable}, or a property a JSON Schema leaves
 * out of {@code required}, is required and nullable.
 *
 * <p>Immutable and thread-safe.
 */
public final class OutputSchema {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true).locale(Locale.ROOT).build()));
    private static final int MAX_PROBLEMS = 3;

    private final String name;
    private final ObjectNode schema;
    private final boolean wrapped;
    private final Class<?> type;
    private final Schema validator;
    private final List<Field> fields;

    private OutputSchema(String name, JsonNode given, Class<?> type) {
        this.name = safeName(name);
        StrictSchema.Result strict = StrictSchema.of(given);
        this.schema = strict.schema();
        this.wrapped = strict.wrapped();
        this.type = type;
        try {
            this.validator = VALIDATORS.getSchema(schema);
            validator.initializeValidators();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a usable JSON Schema: " + oneLine(e.getMessage()), e);
        }
        this.fields = List.copyOf(fieldsOf());
    }

    /**
     * The schema of {@code type}: a record, a class with fields, or an enum (wrapped as
     * {@code {"value": …}}), with nested types inline or under {@code $defs}.
     */
    public static OutputSchema of(Class<?> type) {
        return BY_TYPE.get(Objects.requireNonNull(type, "type"));
    }

    /** Generated once per class (a notebook that redefines a record gets a new class, and a new schema). */
    private static final ClassValue<OutputSchema> BY_TYPE = new ClassValue<>() {
        @Override
        protected OutputSchema computeValue(Class<?> type) {
            return generate(type);
        }
    };

    private static OutputSchema generate(Class<?> type) {
        SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.FLATTENED_OPTIONALS,
                        Option.STANDARD_FORMATS)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        b.forFields().withRequiredCheck(f -> !optional(f));
        // A strict schema cannot describe a map (every property must be named); say so rather than
        // ask for objects that can only ever be empty.
        b.forFields().withInstanceAttributeOverride((node, field, context) -> {
            if (field.getType() != null && field.getType().isInstanceOf(Map.class)) {
                throw new IllegalArgumentException("field '" + field.getName() + "' is a Map, which a strict schema"
                        + " cannot describe; use a record, or a List of records with a key field");
            }
        });
        // An int field takes what an int holds: the validator then refuses 3000000000 instead of a wrapped value.
        b.forFields().withNumberInclusiveMinimumResolver(f -> bound(f.getType() == null ? null
                : f.getType().getErasedType(), true));
        b.forFields().withNumberInclusiveMaximumResolver(f -> bound(f.getType() == null ? null
                : f.getType().getErasedType(), false));
        // Declaration order (the default sorts by name): the table's columns follow the record.
        b.forTypesInGeneral().withPropertySorter((x, y) -> 0);
        JsonNode generated = new SchemaGenerator(b.build()).generateSchema(type);
        return new OutputSchema(type.getSimpleName(), generated, type);
    }

    /** A JSON Schema given as a tree (from a notebook variable, say); {@code name} labels it in requests. */
    public static OutputSchema of(String name, JsonNode schema) {
        return new OutputSchema(name, schema, null);
    }

    /**
     * A JSON Schema given as text.
     *
     * @throws IllegalArgumentException with a one-line reason when it is not JSON or not a schema
     */
    public static OutputSchema parse(String name, String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + oneLine(e.getOriginalMessage()), e);
        }
        return of(name, node);
    }

    /** A JSON Schema read from a {@code .json} file, named after the file. */
    public static OutputSchema read(Path file) throws IOException {
        String base = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(base, Files.readString(file));
    }

    /** The name sent with the schema (letters, digits, {@code _} and {@code -}, at most 64). */
    public String name() {
        return name;
    }

    /** The strict schema as sent (a copy). */
    public JsonNode schema() {
        return schema.deepCopy();
    }

    /** True when the schema's root is not an object and answers come as {@code {"value": …}}. */
    public boolean wrapped() {
        return wrapped;
    }

    /** The Java type the schema was generated from, or null for a JSON Schema. */
    public Class<?> type() {
        return type;
    }

    /** The top-level fields, in schema order: the typed columns of a result table. */
    public List<Field> fields() {
        return fields;
    }

    /** {@code request} asking for this schema: json_schema, or with {@code fallback} json_object plus instructions. */
    public ChatRequest request(ChatRequest request, boolean fallback) {
        ChatRequest.Builder b = request.toBuilder();
        if (!fallback) {
            ObjectNode format = JsonNodeFactory.instance.objectNode().put("type", "json_schema");
            format.putObject("json_schema").put("name", name).put("strict", true).set("schema", schema);
            return b.extra("response_format", format).build();
        }
        List<Message> messages = new ArrayList<>(request.messages());
        messages.add(0, Message.system(instructions()));
        return b.messages(messages)
                .extra("response_format", JsonNodeFactory.instance.objectNode().put("type", "json_object"))
                .build();
    }

    /** The system message of the json_object fallback: the schema, and JSON only. */
    public String instructions() {
        return "Answer with one JSON object and nothing else. It must conform to this JSON Schema (name "
                + name + "):\n" + schema;
    }

    /** {@code sent} followed by the rejected answer and a request to mend it. */
    public ChatRequest reask(ChatRequest sent, String raw, String problem) {
        return sent.toBuilder()
                .assistant(raw == null ? "" : raw)
                .user("That answer does not match the JSON Schema " + name + ": " + problem
                        + ". Answer again with only the corrected JSON.")
                .build();
    }

    /**
     * Parses and validates an answer; returns its JSON, unwrapped when the root was wrapped. A
     * Markdown code fence around the JSON is allowed.
     *
     * @throws InvalidAnswerException when it is not JSON or the schema rejects it
     */
    public JsonNode check(String raw, String requestId) {
        String text = unfenced(raw == null ? "" : raw.strip());
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException(name, raw, "not JSON (" + oneLine(e.getOriginalMessage()) + ")", requestId);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidAnswerException(name, raw, "not JSON (the answer is empty)", requestId);
        }
        List<Error> errors = validator.validate(node);
        if (!errors.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.min(MAX_PROBLEMS, errors.size()); i++) {
                parts.add(problem(errors.get(i)));
            }
            if (errors.size() > MAX_PROBLEMS) {
                parts.add("and " + (errors.size() - MAX_PROBLEMS) + " more");
            }
            throw new InvalidAnswerException(name, raw, String.join("; ", parts), requestId);
        }
        return wrapped ? node.get(StrictSchema.WRAPPER) : node;
    }

    /**
     * The checked JSON as a Java value: an instance of {@link #type()} when there is one, else
     * maps, lists, strings, numbers and booleans.
     *
     * @throws IllegalArgumentException when Jackson cannot build the type from it
     */
    public Object value(JsonNode json) {
        Class<?> as = type == null ? Object.class : type;
        return read(json, as);
    }

    /** The checked JSON read as {@code as}. */
    public <R> R read(JsonNode json, Class<R> as) {
        try {
            return MAPPER.treeToValue(json, as);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the answer as " + as.getSimpleName() + ": "
                    + oneLine(e.getMessage()), e);
        }
    }

    /** The JSON text of a value (for a nested object or list kept as text in a table). */
    public static String text(JsonNode json) {
        return json == null || json.isNull() ? null : json.isTextual() ? json.asText() : json.toString();
    }

    /** True when {@code failure} is a server's refusal of {@code response_format} json_schema (HTTP 400 naming it). */
    public static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ChorusException ce && !(t instanceof InvalidAnswerException)) {
                if (ce.status() != 400) {
                    return false;
                }
                String text = (ce.serverMessage() == null ? "" : ce.serverMessage()) + " " + ce.getMessage();
                String lower = text.toLowerCase(Locale.ROOT);
                return lower.contains("response_format") || lower.contains("json_schema");
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "OutputSchema[" + name + (type == null ? "" : ", " + type.getName()) + ", fields=" + fields + "]";
    }

    // ---- internals -------------------------------------------------------------------------

    private static java.math.BigDecimal bound(Class<?> t, boolean min) {
        if (t == int.class || t == Integer.class) {
            return java.math.BigDecimal.valueOf(min ? Integer.MIN_VALUE : Integer.MAX_VALUE);
        }
        if (t == short.class || t == Short.class) {
            return java.math.BigDecimal.valueOf(min ? Short.MIN_VALUE : Short.MAX_VALUE);
        }
        if (t == byte.class || t == Byte.class) {
            return java.math.BigDecimal.valueOf(min ? Byte.MIN_VALUE : Byte.MAX_VALUE);
        }
        return null;
    }

    private static boolean optional(FieldScope f) {
        if (f.getType() != null && f.getType().isInstanceOf(Optional.class)) {
            return true;
        }
        for (Annotation a : f.getRawMember().getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    private static String safeName(String name) {
        String s = name == null ? "" : name.replaceAll("[^A-Za-z0-9_-]", "_");
        if (s.isEmpty()) {
            s = "answer";
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static String unfenced(String s) {
        if (!s.startsWith("```")) {
            return s;
        }
        int firstLine = s.indexOf('\n');
        int close = s.lastIndexOf("```");
        if (firstLine < 0 || close <= firstLine) {
            return s;
        }
        return s.substring(firstLine + 1, close).strip();
    }

    /** One validator error: where (omitted at the root) and what. */
    private static String problem(Error e) {
        String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        String what = oneLine(e.getMessage());
        return where.isEmpty() || where.equals("$") ? what : "at " + where + ": " + what;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private List<Field> fieldsOf() {
        Map<String, Class<?>> javaTypes = javaTypes();
        List<Field> out = new ArrayList<>();
        JsonNode props = schema.get("properties");
        Iterator<Map.Entry<String, JsonNode>> it = props == null ? java.util.Collections.emptyIterator() : props.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(field(e.getKey(), e.getValue(), wrapped ? type : javaTypes.get(e.getKey())));
        }
        return out;
    }

    /** The Java type of each property of {@link #type}, as Jackson reads it. */
    private Map<String, Class<?>> javaTypes() {
        Map<String, Class<?>> out = new HashMap<>();
        if (type == null || wrapped) {
            return out;
        }
        JavaType t = MAPPER.constructType(type);
        for (BeanPropertyDefinition p : MAPPER.getDeserializationConfig().introspect(t).findProperties()) {
            if (p.getPrimaryType() != null) {
                out.put(p.getName(), p.getPrimaryType().getRawClass());
            }
        }
        return out;
    }

    private Field field(String name, JsonNode node, Class<?> javaType) {
        JsonNode s = concrete(node);
        JsonNode e = s.get("enum");
        if (e != null && e.isArray()) {
            List<String> constants = new ArrayList<>();
            boolean strings = true;
            for (JsonNode v : e) {
                if (v.isNull()) {
                    continue;
                }
                strings &= v.isTextual();
                constants.add(v.asText());
            }
            if (strings) {
                return new Field(name, Field.Kind.STRING, constants);
            }
        }
        String t = typeOf(s);
        Field.Kind kind = switch (t) {
            case "string" -> "date".equals(s.path("format").asText()) ? Field.Kind.DATE : Field.Kind.STRING;
            case "integer" -> javaType == int.class || javaType == Integer.class || javaType == short.class
                    || javaType == Short.class || javaType == byte.class || javaType == Byte.class
                    ? Field.Kind.INT : Field.Kind.LONG;
            case "number" -> Field.Kind.DOUBLE;
            case "boolean" -> Field.Kind.BOOLEAN;
            default -> Field.Kind.JSON;
        };
        return new Field(name, kind, List.of());
    }

    /** {@code node} with references resolved and a nullable wrapper taken off. */
    private JsonNode concrete(JsonNode node) {
        JsonNode n = node;
        for (int depth = 0; depth < 16 && n != null; depth++) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#/")) {
                n = schema.at(ref.asText().substring(1));
                continue;
            }
            JsonNode any = n.has("anyOf") ? n.get("anyOf") : n.get("oneOf");
            if (any != null && any.isArray()) {
                JsonNode pick = null;
                for (JsonNode branch : any) {
                    if (!"null".equals(branch.path("type").asText())) {
                        pick = branch;
                        break;
                    }
                }
                if (pick != null) {
                    n = pick;
                    continue;
                }
            }
            break;
        }
        return n == null || n.isMissingNode() ? JsonNodeFactory.instance.objectNode() : n;
    }

    private static String typeOf(JsonNode s) {
        JsonNode t = s.get("type");
        if (t == null) {
            return s.has("properties") ? "object" : "";
        }
        if (t.isTextual()) {
            return t.asText();
        }
        for (JsonNode v : t) {
            if (!v.asText().equals("null")) {
                return v.asText();
            }
        }
        return "";
    }
}
