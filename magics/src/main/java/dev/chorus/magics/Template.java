package dev.chorus.magics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prompt template: {@code {name}} is replaced by the value of {@code name}, {@code {{} and
 * {@code }}} stand for literal braces. Braces around anything that is not a name (JSON such as
 * {@code {"a": 1}}) are left as they are.
 *
 * <p>Immutable and thread-safe. {@link #fill} throws {@link IllegalArgumentException} naming a
 * placeholder that has no value.
 */
record Template(String text) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_ .\\-]*");

    /** The placeholder names, in order of first use. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        walk(names, null, null);
        return names;
    }

    /** The text with each placeholder replaced by {@code String.valueOf} its value; {@code null} values become "". */
    public String fill(Map<String, ?> values) {
        return filler().apply(values);
    }

    /** {@link #fill} for many rows: the template is read once. */
    java.util.function.Function<Map<String, ?>, String> filler() {
        String only = soleName();
        return values -> {
            if (only != null && values.containsKey(only)) {
                // "{it}": the value itself, so a big fan-out's prompts share the inputs' strings.
                Object v = values.get(only);
                return v == null ? "" : String.valueOf(v);
            }
            StringBuilder out = new StringBuilder(text.length() + 64);
            walk(null, values, out);
            return out.toString();
        };
    }

    /** The name when the whole template is one placeholder, like {@code {it}}, else null. */
    private String soleName() {
        int n = text.length();
        if (n < 3 || text.charAt(0) != '{' || text.charAt(n - 1) != '}' || text.indexOf('}') != n - 1
                || text.charAt(1) == '{') {
            return null;
        }
        String inner = text.substring(1, n - 1).strip();
        return NAME.matcher(inner).matches() ? inner : null;
    }

    private void walk(Set<String> names, Map<String, ?> values, StringBuilder out) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '{' && i + 1 < n && text.charAt(i + 1) == '{') {
                append(out, '{');
                i += 2;
            } else if (c == '}' && i + 1 < n && text.charAt(i + 1) == '}') {
                append(out, '}');
                i += 2;
            } else if (c == '{') {
                int close = text.indexOf('}', i + 1);
                String inner = close < 0 ? null : text.substring(i + 1, close).strip();
                if (inner != null && NAME.matcher(inner).matches()) {
                    if (names != null) {
                        names.add(inner);
                    }
                    if (out != null) {
                        if (!values.containsKey(inner)) {
                            throw new IllegalArgumentException("{" + inner + "} has no value");
                        }
                        Object v = values.get(inner);
                        out.append(v == null ? "" : String.valueOf(v));
                    }
                    i = close + 1;
                } else {
                    append(out, c);
                    i++;
                }
            } else {
                append(out, c);
                i++;
            }
        }
    }

    private static void append(StringBuilder out, char c) {
        if (out != null) {
            out.append(c);
        }
    }

    /** Names of {@code names} missing from {@code available}, in order. */
    static List<String> missing(Set<String> names, Set<String> available) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!available.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
