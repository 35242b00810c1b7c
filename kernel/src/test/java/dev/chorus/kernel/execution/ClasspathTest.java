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

    @Test
    void notebookCodeCompilesAgainstTheApiJarsAndClassFoldersButNotTheKernelsRuntimeOnlyJars() {
        String lib = "/opt/chorus/lib/";
        List<String> visible = NotebookShell.notebookVisible(List.of(
                "/srv/notebooks/classes",
                lib + "chorus-client-0.1.0.jar",
                lib + "tablesaw-core-0.44.4.jar",
                lib + "fastutil-8.5.13.jar",
                lib + "jackson-databind-2.18.2.jar",
                lib + "okhttp-jvm-5.5.1.jar",
                lib + "kotlin-stdlib-2.1.21.jar",
                lib + "jjava-jupyter-1.0-a6.jar",
                lib + "guava-33.0.0-jre.jar",
                lib + "icu4j-74.2.jar",
                lib + "maven-resolver-impl-1.9.27.jar",
                lib + "context-2.4.48.jar",
                lib + "standalone-static-2.4.48.jar",
                lib + "netty-codec-http-4.2.20.Final.jar",
                lib + "jeromq-0.6.0.jar",
                lib + "asm-9.10.1.jar"));
        assertEquals(List.of(
                "/srv/notebooks/classes",
                lib + "chorus-client-0.1.0.jar",
                lib + "tablesaw-core-0.44.4.jar",
                lib + "fastutil-8.5.13.jar",
                lib + "jackson-databind-2.18.2.jar",
                lib + "okhttp-jvm-5.5.1.jar",
                lib + "kotlin-stdlib-2.1.21.jar",
                lib + "jjava-jupyter-1.0-a6.jar"), visible);
    }
}
