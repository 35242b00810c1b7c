package dev.chorus.sandbox.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses short durations such as {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 0}; stateless. */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private DurationText() {
    }

    /**
     * Parses {@code text}; a bare number means milliseconds.
     *
     * @throws IllegalArgumentException {@code "'<text>' is not a duration (expected e.g. 250ms, 1.5s, 2m)"}
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (expected e.g. 250ms, 1.5s, 2m)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> value * 1e6;
            case "s" -> value * 1e9;
            case "m" -> value * 60e9;
            default -> value * 3600e9;
        };
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(nanos));
    }
}
