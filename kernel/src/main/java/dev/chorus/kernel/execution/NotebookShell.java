package dev.chorus.kernel.execution;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The notebook's JShell and what it is built with: the notebook class loader, the in-process
 * execution and the class path notebook code compiles against. Starts JShell (start-up imports,
 * one warm-up compile and run) and adds jars or class folders to it later.
 *
 * <p>Threading: {@link #start} runs once, on the evaluator's cell thread, before anything else
 * uses JShell. It and every other method run under the evaluator's JShell lock, which also guards
 * what {@code start} sets.
 */
final class NotebookShell {
    /**
     * Jars of the kernel's own class path that only the kernel uses at run time (the Maven resolver behind
     * %maven, guava and icu4j under Tablesaw, Netty under the sandbox, ZeroMQ, ASM): notebook code does not
     * compile against them unless a %maven or %classpath cell adds them.
     */
    private static final Pattern RUNTIME_ONLY = Pattern.compile(
            "(maven-|plexus-|standalone-|context-\\d|httpclient-|httpcore-|commons-codec-|jcl-over-slf4j-|guava-"
                    + "|failureaccess-|listenablefuture-|jsr305-|checker-qual-|j2objc-annotations-"
                    + "|error_prone_annotations-|icu4j-|classgraph-|netty-|jeromq-|jnacl-|asm-|slf4j-nop-).*\\.jar");

    private final EvaluatorOptions options;
    private final Set<String> jvmClasspath;
    private final Set<String> compileClasspath;

    // set by start; guarded by the evaluator's JShell lock
    private JShell jshell;
    private SourceCodeAnalysis analysis;
    private InProcessExecution execution;
    private SnippetLoader loader;
    private boolean indexSuspended;

    NotebookShell(EvaluatorOptions options) {
        this.options = options;
        this.jvmClasspath = new LinkedHashSet<>(Arrays.asList(
                System.getProperty("java.class.path", "").split(File.pathSeparator)));
        jvmClasspath.remove("");
        this.compileClasspath = new LinkedHashSet<>(notebookVisible(jvmClasspath));
    }

    /**
     * Builds JShell on the calling thread (the cell thread), with {@code hooks} called around
     * notebook code, and warms it up so that the first cell does not pay for loading javac.
     */
    void start(InProcessExecution.Hooks hooks) {
        loader = new SnippetLoader(options.parentLoader(), jvmClasspath, options.warnings());
        // libraries that look classes up through the context loader (ServiceLoader, Jackson)
        // must see notebook classes and jars added at run time
        Thread.currentThread().setContextClassLoader(loader.classLoader());
        execution = new InProcessExecution(loader, hooks);
        // JShell's compiler starts from java.class.path, read once when JShell is built: it sees only the
        // jars notebook code may use (javac indexes every jar it is given, megabytes of heap each)
        String jvmPath = System.getProperty("java.class.path");
        if (jvmPath != null) {
            System.setProperty("java.class.path", String.join(File.pathSeparator, compileClasspath));
        }
        try {
            jshell = JShell.builder()
                    .executionEngine(InProcessExecution.provider(execution), Map.of())
                    .build();
        } finally {
            if (jvmPath != null) {
                System.setProperty("java.class.path", jvmPath);
            }
        }
        if (!compileClasspath.isEmpty()) {
            // sets the compiler's path before anything asks for it (its default reads java.class.path again,
            // the full one; and once the source analysis has looked at the class path, it keeps the full one)
            jshell.addToClasspath(String.join(File.pathSeparator, compileClasspath));
        }
        analysis = jshell.sourceCodeAnalysis();
        indexSuspended = indexing(analysis, "suspendIndexing");
        for (Path p : options.classpath()) {
            jshell.addToClasspath(p.toAbsolutePath().toString());
        }
        for (String imp : options.imports()) {
            for (SnippetEvent ev : jshell.eval(imp)) {
                if (ev.status() == Snippet.Status.REJECTED) {
                    options.warnings().accept("start-up import failed: " + imp);
                }
            }
        }
        // one throw-away compile and run loads javac and the execution path before the first cell
        for (SnippetEvent ev : jshell.eval("Integer.valueOf(1) + 1")) {
            jshell.drop(ev.snippet());
        }
        analysis.analyzeCompletion("int x = 1;");
    }

    JShell jshell() {
        return jshell;
    }

    SourceCodeAnalysis analysis() {
        return analysis;
    }

    InProcessExecution execution() {
        return execution;
    }

    SnippetLoader loader() {
        return loader;
    }

    /** Lets the class-name index that {@link #start} {@linkplain #indexing suspended} be built; once it is, this does nothing. */
    void resumeIndexing() {
        if (indexSuspended) {
            indexSuspended = !indexing(analysis, "resumeIndexing");
        }
    }

    /** Adds jars or class folders to the notebook's compiler and class loader; entries it has already are skipped. */
    void addToClasspath(List<Path> entries) {
        for (Path p : entries) {
            String entry = p.toAbsolutePath().toString();
            if (compileClasspath.add(entry)) {
                jshell.addToClasspath(entry);
            }
        }
    }

    /** Closes JShell, if it was built. */
    void close() {
        if (jshell != null) {
            jshell.close();
        }
    }

    /**
     * The entries of this JVM's class path that notebook code compiles against: class folders and every
     * jar except the kernel's {@linkplain #RUNTIME_ONLY run-time-only} ones. Classes still load from all of them.
     */
    static List<String> notebookVisible(Collection<String> jvmClasspath) {
        List<String> visible = new ArrayList<>();
        for (String entry : jvmClasspath) {
            Path name = Path.of(entry).getFileName();
            if (name == null || !RUNTIME_ONLY.matcher(name.toString()).matches()) {
                visible.add(entry);
            }
        }
        return visible;
    }

    /**
     * Suspends or resumes the class-name index JShell's source analysis builds in the background for
     * completion (every package and class of the JDK and of the compile path: about 25 MB of heap and a
     * tenth of a second of a core at start). The kernel suspends it at start and resumes it at the first
     * completion request, so a notebook pays for it only when someone completes. The switch is JShell's
     * internal one and needs {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (the kernel's JVM flags
     * have it); without it nothing changes and this returns false.
     */
    private static boolean indexing(SourceCodeAnalysis analysis, String method) {
        try {
            Method m = analysis.getClass().getMethod(method);
            m.setAccessible(true);
            m.invoke(analysis);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
