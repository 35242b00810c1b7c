package dev.chorus.kernel.execution;

import java.net.URI;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import com.sun.source.util.JavacTask;

/**
 * Tells whether one snippet can parse as Java at all (as a member, statements, an expression or
 * an import), by running javac's parser only: nothing is attributed, compiled or executed.
 *
 * <p>Thread-safe: every call uses its own compiler task.
 */
final class SyntaxCheck {
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

    private SyntaxCheck() {
    }

    static boolean parses(String snippet) {
        String s = snippet.strip();
        String expression = s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
        List<String> wrappers = List.of(
                "class Chorus$ {\n" + s + "\n}",
                "class Chorus$ { void m$() throws Throwable {\n" + s + "\n} }",
                "class Chorus$ { Object m$() throws Throwable { return (\n" + expression + "\n); } }",
                s + "\nclass Chorus$ {}");
        for (String w : wrappers) {
            if (parsesAsUnit(w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean parsesAsUnit(String source) {
        if (JAVAC == null) {
            return true;
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Chorus$.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavacTask task = (JavacTask) JAVAC.getTask(null, null, diagnostics, List.of("-proc:none"), null, List.of(file));
        try {
            task.parse();
        } catch (java.io.IOException e) {
            return true;
        }
        return diagnostics.getDiagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }
}
