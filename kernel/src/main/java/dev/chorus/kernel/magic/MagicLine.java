package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.MagicWords;
import java.util.List;

/**
 * One magic command line as typed: {@code %name args} or {@code %%name args}.
 *
 * @param name    the magic's name without percent signs
 * @param args    the arguments, split at spaces outside double quotes (quotes removed)
 * @param rest    the raw text after the name, unsplit (for magics that take code, such as {@code %time})
 * @param cell    true for a cell magic ({@code %%})
 * @param command the whole line, quoted in error messages
 */
public record MagicLine(String name, List<String> args, String rest, boolean cell, String command) {

    private static final java.util.regex.Pattern SECRET_OPTION =
            java.util.regex.Pattern.compile("(?i)--(?:[\\w-]*(?:secret|password|passwd|token)[\\w-]*|(?:[\\w-]+-)?key|api-?key)");

    /**
     * The command for error messages, with the values of secret-looking options ({@code --secret},
     * {@code --api-key}, {@code --token}, {@code --password}, {@code --key}) masked as {@code ***};
     * a {@code $VARIABLE} reference stays visible.
     */
    public String quoted() {
        StringBuilder sb = new StringBuilder(cell ? "%%" : "%").append(name);
        boolean maskNext = false;
        for (String a : split(rest)) {
            String shown = a;
            if (maskNext) {
                shown = a.startsWith("$") ? a : "***";
                maskNext = false;
            } else {
                int eq = a.indexOf('=');
                String opt = eq >= 0 ? a.substring(0, eq) : a;
                if (SECRET_OPTION.matcher(opt).matches()) {
                    if (eq >= 0) {
                        String v = a.substring(eq + 1);
                        shown = opt + "=" + (v.startsWith("$") ? v : "***");
                    } else {
                        maskNext = true;
                    }
                }
            }
            sb.append(' ').append(shown.isEmpty() || shown.contains(" ") ? "\"" + shown + "\"" : shown);
        }
        return sb.toString();
    }

    /** True when the line (ignoring leading blanks) starts a magic: {@code %} or {@code %%} and a letter. */
    public static boolean isMagicLine(String line) {
        String s = line.stripLeading();
        int i = s.startsWith("%%") ? 2 : s.startsWith("%") ? 1 : 0;
        return i > 0 && s.length() > i && Character.isLetter(s.charAt(i));
    }

    /** Parses a stripped magic line. */
    public static MagicLine parse(String line) {
        String s = line.strip();
        boolean cell = s.startsWith("%%");
        String afterPercent = s.substring(cell ? 2 : s.startsWith("%") ? 1 : 0);
        int end = 0;
        while (end < afterPercent.length() && !Character.isWhitespace(afterPercent.charAt(end))) {
            end++;
        }
        String name = afterPercent.substring(0, end);
        String rest = afterPercent.substring(end).strip();
        return new MagicLine(name, split(rest), rest, cell, s);
    }

    /** Splits at blanks outside double quotes; a backslash escapes a quote or a backslash ({@link MagicWords#split}). */
    public static List<String> split(String text) {
        return MagicWords.split(text);
    }
}
