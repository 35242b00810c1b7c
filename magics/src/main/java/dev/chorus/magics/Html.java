package dev.chorus.magics;

/** HTML escaping for text and attribute values; stateless. */
final class Html {
    private Html() {
    }

    /** {@code s} with {@code & < > " '} escaped, fit for element text and quoted attribute values; null gives "". */
    static String escape(Object s) {
        if (s == null) {
            return "";
        }
        String text = s.toString();
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A {@code <pre>} block showing {@code text}. */
    static String pre(String text) {
        return "<pre style=\"white-space:pre-wrap;margin:0\">" + escape(text) + "</pre>";
    }
}
