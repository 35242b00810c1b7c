package dev.chorus.magics;

import dev.chorus.sandbox.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parsed arguments of one magic call, with typed getters that fail with the magic's
 * one-line error and usage.
 *
 * <p>Not thread-safe; used on the thread that runs the magic. Every getter throws
 * {@link MagicException} for a malformed value.
 */
final class Options {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private final OptionSchema schema;
    private final String quoted;
    private final Map<String, String> values;
    private final List<String> positional;
    private final boolean help;

    Options(OptionSchema schema, String quoted, Map<String, String> values, List<String> positional, boolean help) {
        this.schema = schema;
        this.quoted = quoted;
        this.values = values;
        this.positional = List.copyOf(positional);
        this.help = help;
    }

    /** True when {@code --help} was given. */
    boolean help() {
        return help;
    }

    /** The command as typed, secrets masked. */
    String quoted() {
        return quoted;
    }

    List<String> positional() {
        return positional;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** True when none of the options (positional words aside) were given. */
    boolean noOptions() {
        return values.isEmpty();
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** Joins the values of an option given more than once (inside {@link #strings}). */
    static final String REPEAT = "\u0000";

    /** Every value of a repeatable option, in the order given; empty when it was not given. */
    List<String> strings(String name) {
        String v = values.get(name);
        return v == null ? List.of() : List.of(v.split(REPEAT, -1));
    }

    /** These options with {@code name} set to {@code value} (the command as typed stays as it was). */
    Options with(String name, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(values);
        copy.put(name, value);
        return new Options(schema, quoted, copy, positional, help);
    }

    /** A Java identifier given to {@code --name} (a notebook variable). */
    String variable(String name, String fallback) {
        String v = values.getOrDefault(name, fallback);
        if (v != null && !NAME.matcher(v).matches()) {
            throw fail("--" + name + " expects a Java variable name, got '" + v + "'");
        }
        return v;
    }

    Integer positiveInt(String name, Integer fallback) {
        return intAtLeast(name, fallback, 1, "a positive integer");
    }

    Integer nonNegativeInt(String name, Integer fallback) {
        return intAtLeast(name, fallback, 0, "an integer >= 0");
    }

    private Integer intAtLeast(String name, Integer fallback, int min, String expected) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail("--" + name + " expects " + expected + ", got '" + v + "'");
    }

    Long longValue(String name, Long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw fail("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    /** A number in {@code [min, max]}. */
    Double number(String name, Double fallback, double min, double max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail("--" + name + " expects a number from " + plain(min) + " to " + plain(max) + ", got '" + v + "'");
    }

    /** A positive number (e.g. requests per second). */
    Double positiveNumber(String name, Double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail("--" + name + " expects a positive number, got '" + v + "'");
    }

    Duration duration(String name, Duration fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        Duration d = parseDuration(v);
        if (d == null) {
            throw fail("--" + name + " expects a duration like 500ms, 30s or 2m, got '" + v + "'");
        }
        return d;
    }

    /** Chorus's one duration syntax ({@link DurationText}: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 0}); null when malformed. */
    static Duration parseDuration(String text) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The failure for {@code problem}: one line quoting the command, then the usage. */
    MagicException fail(String problem) {
        return schema.fail(quoted, problem);
    }

    /** The failure of the work itself (a server error, say): one line quoting the command, no usage. */
    MagicException failed(String problem) {
        return schema.failWithoutUsage(quoted, problem);
    }

    /** {@code d} as typed: {@code 0} for 0.0, {@code 0.7} for 0.7. */
    static String plain(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
