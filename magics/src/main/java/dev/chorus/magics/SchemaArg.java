package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.client.structured.OutputSchema;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves the value of {@code --schema R} to an {@link OutputSchema}. In this order, R is:
 * <ol>
 *   <li>a {@code .json} file holding a JSON Schema;</li>
 *   <li>a notebook variable holding a JSON Schema (its JSON text, a {@code Map}, a Jackson
 *       {@code JsonNode}), a {@code Class}, or an {@code OutputSchema};</li>
 *   <li>a record, class or enum defined in the notebook, or on the class path by its full name.</li>
 * </ol>
 *
 * <p>Stateless; runs on the magic's thread. Every failure is the magic's one-line error.
 */
final class SchemaArg {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SchemaArg() {
    }

    /** The schema R names; {@code notebook} may be null (the Java API: files and the class path only). */
    static OutputSchema resolve(String r, Notebook notebook, Options o) {
        String spec = r.strip();
        try {
            if (spec.toLowerCase(Locale.ROOT).endsWith(".json")) {
                return file(Path.of(spec), o);
            }
            if (notebook != null && KernelNotebook.isIdentifier(spec)) {
                Object value = null;
                boolean found = true;
                try {
                    value = notebook.read(spec);
                } catch (RuntimeException notAVariable) {
                    found = false;
                }
                if (found) {
                    return ofValue(spec, value, o);
                }
            }
            Class<?> type = type(spec, notebook);
            if (type == null) {
                throw o.fail("--schema " + spec + ": no record, class or enum of that name, nor a variable holding a"
                        + " JSON Schema, nor a .json file");
            }
            return of(type, o);
        } catch (IllegalArgumentException e) {
            if (e instanceof MagicException) {
                throw e;
            }
            throw o.fail("--schema " + spec + ": " + e.getMessage());
        }
    }

    /** The schema of a Java type, with generation failures as the magic's error. */
    static OutputSchema of(Class<?> type, Options o) {
        try {
            return OutputSchema.of(type);
        } catch (RuntimeException e) {
            throw o.fail("--schema " + type.getSimpleName() + ": cannot make a JSON Schema of it: " + e.getMessage());
        }
    }

    private static OutputSchema file(Path path, Options o) {
        try {
            return OutputSchema.read(path);
        } catch (NoSuchFileException e) {
            throw o.fail("--schema " + path + ": no such file");
        } catch (IOException e) {
            throw o.fail("--schema " + path + ": cannot read it: " + e.getMessage());
        }
    }

    private static OutputSchema ofValue(String name, Object value, Options o) {
        if (value instanceof OutputSchema s) {
            return s;
        }
        if (value instanceof Class<?> c) {
            return of(c, o);
        }
        if (value instanceof CharSequence text) {
            return OutputSchema.parse(name, text.toString());
        }
        if (value instanceof JsonNode node) {
            return OutputSchema.of(name, node);
        }
        if (value instanceof Map<?, ?> map) {
            return OutputSchema.of(name, MAPPER.valueToTree(map));
        }
        throw o.fail("--schema " + name + ": the variable holds " + (value == null ? "null"
                : "a " + value.getClass().getSimpleName()) + ", not a JSON Schema (JSON text, a Map or a JsonNode)"
                + " nor a Class");
    }

    /** The type named {@code spec}: defined in the notebook, or on the class path. */
    private static Class<?> type(String spec, Notebook notebook) {
        if (notebook != null && spec.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            try {
                if (notebook.read(spec + ".class") instanceof Class<?> c) {
                    return c;
                }
            } catch (RuntimeException notAType) {
                // try the class path next
            }
        }
        try {
            return Class.forName(spec, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}
