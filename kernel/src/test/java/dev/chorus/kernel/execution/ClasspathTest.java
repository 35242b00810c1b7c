package dev.chorus.kernel.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook sees this JVM's classes as the same classes, and class folders added at run time. */
class ClasspathTest {

    @Test
    void notebookSharesTheKernelsClassesAndSeesFoldersAddedLater(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("src/demo/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package demo;
                public class Greeter {
                    public String hi(String who) { return "hi " + who; }
                }
                """);
        Path classes = dir.resolve("classes");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "21", "-d", classes.toString(), src.toString());
        assertEquals(0, rc);

        List<String> warnings = new ArrayList<>();
        try (JShellEvaluator evaluator = JShellEvaluator.start(
                EvaluatorOptions.builder().warnings(warnings::add).build())) {
            EvalResult before = evaluator.eval("new demo.Greeter()");
            assertInstanceOf(EvalResult.CompileError.class, before);

            evaluator.addToClasspath(List.of(classes));
            EvalResult after = evaluator.eval("new demo.Greeter().hi(\"notebook\")");
            assertEquals("hi notebook", assertInstanceOf(EvalResult.Value.class, after).value());
            EvalResult viaContext = evaluator.eval(
                    "Class.forName(\"demo.Greeter\", true, Thread.currentThread().getContextClassLoader()).getSimpleName()");
            assertEquals("Greeter", assertInstanceOf(EvalResult.Value.class, viaContext).value(),
                    "libraries using the context class loader see jars added at run time");

            EvaluatorOptions live = EvaluatorOptions.defaults();
            evaluator.bind("opts", EvaluatorOptions.class.getName(), live);
            EvalResult same = evaluator.eval("opts.imports() == EvaluatorOptions.DEFAULT_IMPORTS ? opts : null");
            assertInstanceOf(EvalResult.CompileError.class, same, "EvaluatorOptions is not imported");
            EvalResult shared = evaluator.eval(
                    "opts.imports() == dev.chorus.kernel.execution.EvaluatorOptions.DEFAULT_IMPORTS ? opts : null");
            assertSame(live, assertInstanceOf(EvalResult.Value.class, shared).value(),
                    "the notebook and the kernel load the kernel's classes from one loader");
            assertTrue(warnings.isEmpty(), warnings.toString());
        }
    }
}
