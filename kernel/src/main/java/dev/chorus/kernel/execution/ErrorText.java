package dev.chorus.kernel.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * What a failed evaluation shows: javac's errors with the line and a caret under the column, a
 * declaration that waits for another, and an exception with only the notebook's frames, each named
 * by its method and by the cell and line that defined it ({@code at divide (cell 3, line 2)}).
 *
 * <p>Threading: used under the evaluator's JShell lock; the origins map is concurrent.
 */
final class ErrorText {
    /** Where a snippet came from: the evaluation, its cell label, and its first line in that cell. */
    record Origin(int evalId, String label, int firstLine) {
    }

    private static final int MAX_FRAMES = 40;

    private final Supplier<JShell> shell;
    private final Map<String, Origin> origins;

    ErrorText(Supplier<JShell> shell, Map<String, Origin> origins) {
        this.shell = shell;
        this.origins = origins;
    }


    /** javac's errors of a rejected snippet, each with its line and a caret. */
    EvalResult.CompileError compileError(Snippet s, String code, int offset) {
        List<String> blocks = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        shell.get().diagnostics(s).filter(Diag::isError).forEach(d -> {
            long pos = d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition();
            String message = cleanMessage(d.getMessage(java.util.Locale.ROOT));
            messages.add(message);
            blocks.add(pos < 0 ? message : caretText(code, (int) Math.min(code.length(), offset + pos), message));
        });
        if (blocks.isEmpty()) {
            messages.add("this code does not compile");
            blocks.add(caretText(code, offset, messages.get(0)));
        }
        return new EvalResult.CompileError(String.join("\n\n", blocks), oneLine(messages.get(0)));
    }

    /** {@code line N: source} then a caret under {@code at}, then the message (when not empty). */
    static String caretText(String code, int at, String message) {
        int lineStart = at == 0 ? 0 : code.lastIndexOf('\n', at - 1) + 1;
        int lineEnd = code.indexOf('\n', at);
        if (lineEnd < 0) {
            lineEnd = code.length();
        }
        if (at >= code.length() && lineStart == code.length() && lineStart > 0) {
            // the problem is at the very end, after a final newline: show the last line
            lineEnd = lineStart - 1;
            lineStart = code.lastIndexOf('\n', lineEnd - 1) + 1;
            at = lineEnd;
        }
        String prefix = "line " + lineOf(code, lineStart) + ": ";
        String sourceLine = code.substring(lineStart, lineEnd);
        StringBuilder caret = new StringBuilder(" ".repeat(prefix.length()));
        for (int i = lineStart; i < at && i < lineEnd; i++) {
            caret.append(code.charAt(i) == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        String text = prefix + sourceLine.stripTrailing() + "\n" + caret;
        return message.isEmpty() ? text : text + "\n" + message;
    }

    static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < code.length(); i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static String cleanMessage(String message) {
        List<String> kept = new ArrayList<>();
        for (String line : message.split("\n")) {
            String t = line.strip();
            // JShell's wrapper classes have no name the user could recognise
            if (t.equals("location: class") || line.contains("$JShell$")) {
                continue;
            }
            kept.add(line.stripTrailing());
        }
        return String.join("\n", kept);
    }

    /** Why a declaration waits: what it needs declared first. */
    String unresolvedText(DeclarationSnippet s, boolean defined) {
        List<String> missing = shell.get().unresolvedDependencies(s).toList();
        String what = describe(s);
        String needs = missing.isEmpty() ? "its errors are fixed" : String.join(" and ", missing)
                + (missing.size() == 1 ? " is" : " are") + " declared";
        if (defined) {
            return what + " is declared, but it cannot be used until " + needs;
        }
        return what + " cannot be declared until " + needs;
    }

    private static String describe(DeclarationSnippet s) {
        if (s instanceof MethodSnippet m) {
            return "method " + m.name() + "(" + m.parameterTypes() + ")";
        }
        if (s instanceof VarSnippet v) {
            return "variable " + v.name();
        }
        if (s instanceof TypeDeclSnippet t) {
            String kind = switch (t.subKind()) {
                case INTERFACE_SUBKIND -> "interface";
                case ENUM_SUBKIND -> "enum";
                case RECORD_SUBKIND -> "record";
                case ANNOTATION_TYPE_SUBKIND -> "annotation";
                default -> "class";
            };
            return kind + " " + t.name();
        }
        return s.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + s.name();
    }

    /** The error of code that threw: notebook frames only, each named by its cell and line. */
    EvalResult.RuntimeError runtimeError(JShellException shown, Throwable real, int cell) {
        if (shown instanceof UnresolvedReferenceException ure) {
            DeclarationSnippet s = ure.getSnippet();
            String message = describe(s) + " cannot be used until "
                    + String.join(" and ", shell.get().unresolvedDependencies(s).toList()) + " is declared";
            List<String> lines = new ArrayList<>();
            lines.add("UnresolvedReferenceException: " + message);
            addFrames(lines, shown, cell);
            return new EvalResult.RuntimeError(ure, "UnresolvedReferenceException", message, lines);
        }
        Throwable object = real != null ? real : shown;
        String type = typeOf(shown);
        String message = withoutWrappers(shown.getMessage());
        List<String> lines = new ArrayList<>();
        lines.add(message == null ? type : type + ": " + message);
        addFrames(lines, shown, cell);
        Set<Throwable> seen = new java.util.HashSet<>();
        seen.add(shown);
        for (Throwable c = shown.getCause(); c != null && seen.add(c); c = c.getCause()) {
            String ct = typeOf(c);
            lines.add("Caused by: " + (c.getMessage() == null ? ct : ct + ": " + withoutWrappers(c.getMessage())));
            addFrames(lines, c, cell);
        }
        return new EvalResult.RuntimeError(object, type, message, lines);
    }

    private static String typeOf(Throwable t) {
        return withoutWrappers(t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName());
    }

    private static final java.util.regex.Pattern WRAPPER = java.util.regex.Pattern.compile("REPL\\.\\$JShell\\$\\w+?[.$]");

    /** Drops JShell's wrapper class names: {@code REPL.$JShell$28.s2} becomes {@code s2}. */
    private static String withoutWrappers(String text) {
        return text == null ? null : WRAPPER.matcher(text).replaceAll("");
    }

    private void addFrames(List<String> lines, Throwable t, int cell) {
        int shown = 0;
        int skipped = 0;
        for (StackTraceElement e : t.getStackTrace()) {
            String file = e.getFileName();
            if (file == null || !file.startsWith("#")) {
                continue;
            }
            if (shown == MAX_FRAMES) {
                // deep recursion (StackOverflowError) would otherwise print a thousand lines
                skipped++;
                continue;
            }
            shown++;
            Origin o = origins.get(file.substring(1));
            String where;
            if (o == null) {
                where = "snippet " + file.substring(1) + ", line " + e.getLineNumber();
            } else {
                int line = o.firstLine() + Math.max(1, e.getLineNumber()) - 1;
                where = o.evalId() == cell ? "line " + line : "cell " + o.label() + ", line " + line;
            }
            String name = frameName(e.getClassName(), e.getMethodName());
            lines.add(name.isEmpty() ? "    at " + where : "    at " + name + " (" + where + ")");
        }
        if (skipped > 0) {
            lines.add("    ... " + skipped + " more notebook frames");
        }
    }

    private static String frameName(String cls, String method) {
        String m = method;
        if (m.startsWith("lambda$")) {
            String[] parts = m.split("\\$");
            m = parts.length > 1 && !parts[1].isEmpty() && !parts[1].equals("do_it") ? "lambda in " + parts[1] : "lambda";
        } else if (m.equals("<init>")) {
            m = "new " + cls;
            return m;
        } else if (m.equals("<clinit>")) {
            m = "static init";
        }
        if (cls == null || cls.isEmpty()) {
            return m;
        }
        return m.isEmpty() ? cls : cls + "." + m;
    }

    /** {@code cannot find symbol (symbol: class Foo)} from javac's multi-line message. */
    static String oneLine(String message) {
        List<String> lines = message.lines().map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
        if (lines.size() <= 1) {
            return lines.isEmpty() ? "" : lines.get(0);
        }
        return lines.get(0) + " (" + String.join("; ", lines.subList(1, lines.size())) + ")";
    }
}
