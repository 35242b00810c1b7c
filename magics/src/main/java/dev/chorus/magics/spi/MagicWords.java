package dev.chorus.magics.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * How a magic line, or the option string of a {@link Chorus} method, is split into words: the
 * kernel's magic lines and the Java twins go through this one rule, so {@code %%fanout --checkpoint
 * C:\runs\a.jsonl} and {@code Chorus.fanout(rows, "--checkpoint C:\\runs\\a.jsonl", …)} mean the same.
 */
public final class MagicWords {
    private MagicWords() {
    }

    /**
     * Splits at blanks outside double quotes. A backslash escapes a double quote or another
     * backslash; before any other character it is kept as typed (Windows paths need no doubling).
     * Quotes group words and are dropped; {@code ""} is an empty word. Null or blank gives no words.
     */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean token = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                cur.append(text.charAt(++i));
                token = true;
            } else if (c == '"') {
                quoted = !quoted;
                token = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (token) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    token = false;
                }
            } else {
                cur.append(c);
                token = true;
            }
        }
        if (token) {
            out.add(cur.toString());
        }
        return out;
    }
}
