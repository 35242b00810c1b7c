package dev.chorus.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chorus.client.ChatClient;
import dev.chorus.magics.spi.NotebookVariables;
import dev.chorus.sandbox.Sandbox;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.tablesaw.api.Table;

/**
 * The magics in a kernel that is not Chorus's: a minimal kernel on jjava-jupyter's {@link BaseKernel},
 * evaluating as stock JJava 1.0-a6's JavaKernel does. Its {@code evalRaw} is
 * {@code evaluator.eval(magicParser.resolveMagics(source))}: a magic becomes a call of
 * {@code BaseNotebookStatics.cellMagic/lineMagic} that JShell runs in this JVM (on an executor thread,
 * as JJava's execution control does), and the magic reads and binds notebook variables by calling
 * {@code evalRaw} again from inside that evaluation. The extension comes in through the
 * ServiceLoader on the notebook's class loader ({@link BaseKernel#onStartup}), not by name.
 */
@Timeout(60)
class BareKernelTest {

    @Test
    void theMagicsWorkInABareJjavaKernel() throws Exception {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        Chorus.environment(Map.of()); // no OPENAI_*/EVOLUTION_*: %client starts the embedded sandbox
        BareKernel kernel = new BareKernel.Builder().name("bare").version("0").build();
        try {
            kernel.onStartup();
            assertSame(kernel, BaseKernel.notebookKernel());
            assertFalse(NotebookVariables.class.isInstance(kernel), "variables must go through evalRaw, as in stock JJava");
            assertEquals(Set.of(ChorusExtension.class.getName()), kernel.extensionNames());
            assertTrue(kernel.getMagicsRegistry().getCellMagicNames().containsAll(List.of("prompt", "fanout")));

            // 1. %client, no environment: the sandbox answers; `client` is a notebook variable
            kernel.evalRaw("%client");
            Object client = kernel.evalRaw("client");
            assertInstanceOf(ChatClient.class, client);
            assertSame(client, Chorus.client(), "the notebook's classes are the test's: one session");
            assertEquals("dev.chorus.client.ChatClient", kernel.variableType("client"));
            Sandbox sandbox = Session.SHARED.sandbox();
            assertNotNull(sandbox);
            assertEquals(sandbox.baseUrl(), ((ChatClient) client).baseUrl());
            assertTrue(kernel.maxDepth() >= 2, "the binding was evaluated from inside the magic's evaluation");
            assertFalse(kernel.nestedCallers().isEmpty());
            assertTrue(kernel.nestedCallers().stream().allMatch(t -> t.startsWith("bare-executor-")),
                    "the magic ran on JShell's execution thread: " + kernel.nestedCallers());

            // 2. %%fanout --over a notebook variable, read and bound through nested evaluations
            assertNull(kernel.evalRaw("List<String> xs = List.of(\"a\", \"b\", \"c\");"));
            kernel.resetDepth();
            kernel.evalRaw("%%fanout --over xs --concurrency 2 --no-cache\n{it}");
            assertTrue(kernel.maxDepth() >= 2, "the magic read xs and bound results by nested evaluation");
            assertFalse(kernel.nestedCallers().isEmpty());
            Table results = assertInstanceOf(Table.class, kernel.evalRaw("results"));
            assertEquals("tech.tablesaw.api.Table", kernel.variableType("results"));
            assertEquals(3, results.rowCount());
            assertEquals(List.of("a", "b", "c"), column(results, "it"));
            assertEquals(List.of("Echo: a", "Echo: b", "Echo: c"), column(results, "answer"));
            assertEquals(List.of("ok", "ok", "ok"), column(results, "status"));
            assertEquals(3, kernel.evalRaw("results.rowCount()"), "notebook code sees the bound table");

            // 3. %%prompt binds `answer`
            kernel.evalRaw("%%prompt --no-cache\nSay hi");
            assertEquals("Echo: Say hi", kernel.evalRaw("answer"));
            assertEquals("String", kernel.variableType("answer"));

            // 4. the Java API twin from a code cell
            Table twin = assertInstanceOf(Table.class,
                    kernel.evalRaw("dev.chorus.magics.Chorus.fanout(\"{it}\", xs, \"--concurrency 2 --no-cache\")"));
            assertEquals(3, twin.rowCount());
            assertEquals(List.of("Echo: a", "Echo: b", "Echo: c"), column(twin, "answer"));
            assertEquals(4 + 3, sandbox.stats().requests("chat"), "%%fanout 3, %%prompt 1, Chorus.fanout 3: no cache");

            // a failing magic (its nested read fails to compile) fails the cell with the magic's message
            RuntimeException bad = assertThrows(RuntimeException.class,
                    () -> kernel.evalRaw("%%fanout --over nope\n{it}"));
            assertTrue(bad.getMessage().contains("--over nope is not a notebook variable"), bad.getMessage());

            // 5. not the Chorus kernel: its classes are not even on this class path
            assertFalse(kernel.getClass().getName().startsWith("dev.chorus.kernel"));
            assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.chorus.kernel.ChorusKernel"));
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("dev.chorus.kernel.ChorusKernel", false, kernel.notebookClassLoader()));

            // shutdown uninstalls the extension, which closes the session's client and sandbox
            kernel.onShutdown(false);
            assertNull(Session.SHARED.client());
            assertNull(Session.SHARED.sandbox());
            assertThrows(NullPointerException.class, BaseKernel::notebookKernel);
        } finally {
            kernel.close();
            Chorus.reset();
            Chorus.environment(System.getenv());
            Thread.currentThread().setContextClassLoader(context);
        }
    }

    private static List<String> column(Table t, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.rowCount(); i++) {
            out.add(TableRenderer.cell(t.column(name), i));
        }
        return out;
    }

    /**
     * JJava's JJavaExecutionControl, reduced: snippets run in this JVM on an executor thread, their
     * classes in a loader whose parent is the test's (so objects are shared), and each result object
     * is kept under a key that JShell reports as the snippet's value.
     */
    static final class InJvmControl extends DirectExecutionControl {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private final Map<String, Object> results = new ConcurrentHashMap<>();
        private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bare-executor-" + THREADS.getAndIncrement());
            t.setDaemon(true);
            return t;
        });

        InJvmControl(LoaderDelegate loader) {
            super(loader);
        }

        @Override
        protected String invoke(Method doitMethod) throws Exception {
            Object value;
            try {
                value = executor.submit(() -> doitMethod.invoke(null)).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause; // InvocationTargetException: DirectExecutionControl makes it a UserException
                }
                throw new InvocationTargetException(e.getCause());
            }
            String key = UUID.randomUUID().toString();
            if (value != null) { // statements' do_it returns null and JShell reports no key for them
                results.put(key, value);
            }
            return key;
        }

        /** The object a snippet's evaluation returned, by the key JShell gives as its value. */
        Object take(String key) {
            return results.remove(key);
        }

        @Override
        public void close() {
            executor.shutdownNow();
            super.close();
        }
    }

    /**
     * A loader delegate as a jjava kernel has one: the snippets' classes are defined in a loader whose parent
     * is the test's class loader, and it becomes the thread's context loader (the notebook's loader).
     */
    static final class InJvmLoader implements LoaderDelegate {
        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();
        private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
        private final Loader loader;

        InJvmLoader(ClassLoader parent) {
            loader = new Loader(parent);
            Thread.currentThread().setContextClassLoader(loader);
        }

        final class Loader extends URLClassLoader {
            Loader(ClassLoader parent) {
                super(new URL[0], parent);
            }

            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = declared.get(name);
                return b == null ? super.findClass(name) : defineClass(name, b, 0, b.length, (CodeSource) null);
            }

            void add(URL url) {
                addURL(url);
            }
        }

        @Override
        public void load(ExecutionControl.ClassBytecodes[] cbcs) throws ExecutionControl.ClassInstallException {
            boolean[] installed = new boolean[cbcs.length];
            for (int i = 0; i < cbcs.length; i++) {
                declared.put(cbcs[i].name(), cbcs[i].bytecodes());
                try {
                    loaded.put(cbcs[i].name(), loader.loadClass(cbcs[i].name()));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new ExecutionControl.ClassInstallException("cannot load " + cbcs[i].name() + ": " + e, installed);
                }
                installed[i] = true;
            }
        }

        @Override
        public void classesRedefined(ExecutionControl.ClassBytecodes[] cbcs) {
            for (ExecutionControl.ClassBytecodes c : cbcs) {
                declared.put(c.name(), c.bytecodes());
            }
        }

        @Override
        public void addToClasspath(String path) throws ExecutionControl.InternalException {
            for (String p : path.split(java.io.File.pathSeparator)) {
                try {
                    loader.add(Path.of(p).toUri().toURL());
                } catch (java.net.MalformedURLException e) {
                    throw new ExecutionControl.InternalException(p + ": " + e.getMessage());
                }
            }
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = loaded.get(name);
            if (c == null) {
                throw new ClassNotFoundException(name);
            }
            return c;
        }
    }

    static final class InJvmProvider implements ExecutionControlProvider {
        volatile InJvmControl control;

        @Override
        public String name() {
            return "bare-in-jvm";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            control = new InJvmControl(new InJvmLoader(BareKernelTest.class.getClassLoader()));
            return control;
        }
    }

    /** The smallest jjava kernel: BaseKernel plus JShell, evaluating like JJava's CodeEvaluator. */
    static final class BareKernel extends BaseKernel {
        private final JShell shell;
        private final InJvmProvider provider;
        private final ClassLoader notebookLoader;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxDepth = new AtomicInteger();
        private final Set<String> nestedCallers = ConcurrentHashMap.newKeySet();

        BareKernel(String name, String version, LanguageInfo languageInfo, List<HelpLink> helpLinks,
                   HistoryManager historyManager, JupyterIO io, CommManager commManager, Renderer renderer,
                   MagicParser magicParser, MagicsRegistry magicsRegistry, boolean extensionsEnabled,
                   StringStyler errorStyler, JShell shell, InJvmProvider provider) {
            super(name, version, languageInfo, helpLinks, historyManager, io, commManager, renderer, magicParser,
                    magicsRegistry, extensionsEnabled, errorStyler);
            this.shell = shell;
            this.provider = provider;
            this.notebookLoader = Thread.currentThread().getContextClassLoader(); // set by InJvmLoader
        }

        static final class Builder extends BaseKernelBuilder<Builder, BareKernel> {
            @Override
            public BareKernel build() {
                InJvmProvider provider = new InJvmProvider();
                JShell shell = JShell.builder().out(System.out).err(System.err).in(System.in)
                        .executionEngine(provider, Map.of()).build();
                return new BareKernel(buildName(), buildVersion(),
                        new LanguageInfo.Builder("Java").version(Runtime.version().toString()).build(), List.of(),
                        buildHistoryManager(), buildJupyterIO(buildJupyterIOEncoding()), buildCommManager(),
                        buildRenderer(), new MagicParser("(?<=(?:^|=))\\s*%", "%%", buildMagicTranspiler()),
                        buildMagicsRegistry(), buildExtensionsEnabled(), buildErrorStyler(), shell, provider);
            }
        }

        /** As JJava's NotebookInitializer: the imports a stock notebook starts with. */
        @Override
        public void onStartup() {
            evalRaw("import java.util.*;\nimport static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.*;");
            super.onStartup();
        }

        @Override
        public Object evalRaw(String source) {
            int running = inFlight.incrementAndGet();
            maxDepth.accumulateAndGet(running, Math::max);
            if (running > 1) {
                nestedCallers.add(Thread.currentThread().getName());
            }
            try {
                return evaluate(magicParser.resolveMagics(source));
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private Object evaluate(String code) {
            Object last = null;
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(code);
            while (info.completeness().isComplete()) {
                last = evalSingle(info.source());
                info = shell.sourceCodeAnalysis().analyzeCompletion(info.remaining());
            }
            if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
                throw new IllegalArgumentException("incomplete input: " + info.remaining().trim());
            }
            return last;
        }

        /** As JJava's CodeEvaluator.evalSingle: the value of an expression, null for anything else. */
        private Object evalSingle(String code) {
            List<SnippetEvent> events = shell.eval(code);
            Object result = null;
            for (SnippetEvent event : events) {
                String key = event.value();
                if (key == null || event.status() == Snippet.Status.OVERWRITTEN) {
                    continue;
                }
                Snippet.SubKind kind = event.snippet().subKind();
                Object value = kind.isExecutable() ? provider.control.take(key) : key;
                result = switch (kind) {
                    case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> value;
                    default -> null;
                };
            }
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    continue;
                }
                JShellException e = event.exception();
                if (e instanceof EvalException ee) {
                    throw new RuntimeException(ee.getExceptionClassName() + ": " + ee.getMessage(), ee);
                }
                if (e != null) {
                    throw new RuntimeException(e);
                }
                if (!event.status().isDefined()) {
                    throw new IllegalArgumentException("does not compile: " + code.strip() + "\n"
                            + shell.diagnostics(event.snippet()).map(d -> d.getMessage(null))
                            .collect(Collectors.joining("\n")));
                }
            }
            return result;
        }

        /** The notebook's class loader, as JavaKernel's: the one its snippets' classes live in. */
        @Override
        protected ClassLoader getClassLoader() {
            return notebookLoader;
        }

        ClassLoader notebookClassLoader() {
            return notebookLoader;
        }

        Set<String> extensionNames() {
            return Set.copyOf(extensions.keySet());
        }

        String variableType(String name) {
            return shell.variables().filter(v -> v.name().equals(name) && shell.status(v).isActive())
                    .map(VarSnippet::typeName).reduce((a, b) -> b).orElse(null);
        }

        int maxDepth() {
            return maxDepth.get();
        }

        /** The threads that evaluated while another evaluation was running (the magics' threads). */
        Set<String> nestedCallers() {
            return Set.copyOf(nestedCallers);
        }

        void resetDepth() {
            maxDepth.set(0);
            nestedCallers.clear();
        }

        @Override
        public DisplayData inspect(String code, int at, boolean extraDetail) {
            return null;
        }

        @Override
        public ReplacementOptions complete(String code, int at) {
            return null;
        }

        @Override
        public String isComplete(String code) {
            return IS_COMPLETE_MAYBE;
        }

        @Override
        public void onShutdown(boolean isRestarting) {
            super.onShutdown(isRestarting);
            shell.close();
        }

        /** Idempotent clean-up for a test that failed before {@link #onShutdown}. */
        void close() {
            if (BaseKernel.notebookKernel == this) {
                onShutdown(false);
            } else {
                shell.close();
            }
        }
    }
}
