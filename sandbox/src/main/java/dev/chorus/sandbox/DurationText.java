package dev.chorus.sandbox;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Chorus, for {@code chorus sandbox}, the {@code X-Sandbox-Latency} header
 * and every magic option: a number with its unit ({@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 7d}),
 * or {@code 0}. A bare number other than 0 is refused: {@code 250} could mean 250 ms or 250 s.
 * Stateless.
 */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

    private DurationText() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException {@code "'<text>' is not a duration (expected e.g. 250ms, 1.5s, 2m)"}
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches() || (m.group(2) == null && Double.parseDouble(m.group(1)) != 0)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (expected e.g. 250ms, 1.5s, 2m)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        double nanos = switch (unit) {
            case "ms" -> value * 1e6;
            case "s" -> value * 1e9;
            case "m" -> value * 60e9;
            case "h" -> value * 3600e9;
            default -> value * 86_400e9;
        };
        if (nanos > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(nanos));
    }
}
