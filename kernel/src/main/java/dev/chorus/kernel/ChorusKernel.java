package dev.chorus.kernel;

import dev.chorus.kernel.execution.EvaluatorOptions;
import dev.chorus.kernel.execution.JShellEvaluator;
import dev.chorus.kernel.magic.ClasspathMagic;
import dev.chorus.kernel.magic.HelpMagic;
import dev.chorus.kernel.magic.LoadMagic;
import dev.chorus.kernel.magic.MagicCatalogue;
import dev.chorus.kernel.magic.MagicHost;
import dev.chorus.kernel.magic.MagicLine;
import dev.chorus.kernel.magic.MavenMagic;
import dev.chorus.kernel.magic.TimeMagic;
import dev.chorus.magics.spi.KernelActivity;
import dev.chorus.magics.spi.NotebookVariables;
import dev.chorus.magics.spi.UserInput;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The Chorus Java kernel: evaluates cells with an in-process JShell, runs magics, renders values and
 * streams output to the notebook while a cell runs.
 *
 * <p><b>Display contract.</b> {@code getIO().display.display(data)} and
 * {@code getIO().display.updateDisplay(id, data)} work from any thread at any time, also after the cell
 * that created the display has returned (magics update progress from background threads). A message
 * sent from a thread started by a cell is attributed to that cell, any other to the last cell started.
 * {@code System.out}/{@code System.err} are the notebook's for the whole life of the kernel; text is
 * published on newline and at least every {@value #FLUSH_MILLIS} ms.
 *
 * <p><b>Threading.</b> Cells run one at a time on the kernel's cell thread; the Jupyter shell thread
 * waits for them while the control thread stays free for {@link #interrupt()}. JShell starts on a
 * warm-up thread when the kernel is built, so kernel_info is answered at once; the first cell waits for
 * it. Extensions ({@code org.dflib.jjava.jupyter.Extension}) are loaded with {@code ServiceLoader} at
 * start and again after {@link #addToClasspath(List)}.
 *
 * <p><b>Closing.</b> The owner calls {@link #close()} (or Jupyter's shutdown_request does it through
 * {@link #onShutdown(boolean)}): it closes JShell, stops the threads and restores System streams.
 *
 * <p><b>Failures.</b> A failing cell becomes an error output and an execute_reply with status error; the
 * kernel and everything defined before stay. Magic failures are one line naming the command plus its usage.
 */
public class ChorusKernel extends BaseKernel implements NotebookVariables, UserInput, KernelActivity, MagicHost,
        AutoCloseable {

    /** How often buffered stdout/stderr text is published while a cell runs. */
    public static final int FLUSH_MILLIS = 50;

    /** The imports every notebook starts with: the evaluator's defaults and the {@link Notebook} functions. */
    public static final List<String> IMPORTS = Stream.concat(
            EvaluatorOptions.DEFAULT_IMPORTS.stream(),
            Stream.of("import static dev.chorus.kernel.Notebook.*;")).toList();

    private final CellPublisher publisher;
    private final CellHistory history;
    private final CellRunner runner;
    private final CodeAssist assist;
    private final CompletableFuture<JShellEvaluator> evaluator;
    private final ExecutorService cellExecutor;
    private final ScheduledExecutorService flusher;
    private final NotebookStream out;
    private final NotebookStream err;
    private final PrintStream oldOut;
    private final PrintStream oldErr;
    private final PrintStream notebookOut;
    private final PrintStream notebookErr;
    private final InputStream oldIn;
    private volatile Thread cellThread;
    private volatile boolean running;
    /** When the last cell ended (System.nanoTime), for {@link #idleMillis}. */
    private volatile long idleSince = System.nanoTime();
    /** The Jupyter connection, when it is this kernel's own (it can ask for input). */
    private volatile KernelConnection connection;
    /** Where the running cell's input comes from (its front end allows stdin), else null. */
    private volatile LineReader cellInput;
    /** Set by {@link #interrupt()} until the next cell starts: a cell waiting for input stops waiting. */
    private volatile boolean interruptRequested;
    /** Where input comes from when no front end can answer: the terminal of chorus run, or null. */
    private final LineReader terminal;
    /** The notebook's System.in (when the kernel captures the System streams). */
    private final NotebookInput input;
    private volatile boolean closed;

    private record Parts(String name, String version, CommManager comms,
                         Renderer renderer,
                         MagicTranspiler transpiler,
                         MagicsRegistry registry, boolean extensions,
                         StringStyler styler) {
    }

    private ChorusKernel(Builder b, Parts p, CellPublisher publisher, CellHistory history) {
        super(p.name(), p.version(),
                new LanguageInfo.Builder("java")
                        .version(Runtime.version().toString())
                        .mimetype("text/x-java-source")
                        .fileExtension(".jsh")
                        .pygments("java")
                        .codemirror("text/x-java")
                        .build(),
                List.of(),
                history,
                new ChorusIO(publisher),
                p.comms(),
                p.renderer(),
                new MagicParser("(?<==)\\s*%", "%%", p.transpiler()),
                p.registry(),
                p.extensions(),
                p.styler());
        this.publisher = publisher;
        this.history = history;
        this.runner = new CellRunner(this, catalogue(), magicParser, this::evaluator);
        this.assist = new CodeAssist(this::evaluator, catalogue());
        this.terminal = b.terminal;
        this.input = new NotebookInput(this);
        this.cellExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chorus-cell");
            t.setDaemon(true);
            cellThread = t;
            return t;
        });
        this.out = new NotebookStream(PublishStream.StreamType.OUT, publisher);
        this.err = new NotebookStream(PublishStream.StreamType.ERR, publisher);
        publisher.register(out);
        publisher.register(err);
        this.oldOut = System.out;
        this.oldErr = System.err;
        this.oldIn = System.in;
        this.notebookOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        this.notebookErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        if (b.captureSystemStreams) {
            System.setOut(notebookOut);
            System.setErr(notebookErr);
            System.setIn(input);
        }
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-output-flusher");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(publisher::flushStreams, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);

        Supplier<JShellEvaluator> factory = b.evaluatorFactory;
        this.evaluator = CompletableFuture.supplyAsync(() -> warmUp(factory), r -> {
            Thread t = new Thread(r, "chorus-warm-up");
            t.setDaemon(true);
            t.start();
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a kernel on a Jupyter connection until Jupyter shuts it down, then closes it. The sockets come
     * up while JShell starts on its own thread, so kernel_info is answered at once; {@code started} gets
     * the kernel once it serves (the command line installs its SIGINT handler there).
     */
    public static void serve(KernelConnectionProperties props, Consumer<ChorusKernel> started) throws Exception {
        KernelConnection connection = new KernelConnection(props);
        ChorusKernel kernel = builder().build();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        started.accept(kernel);
        connection.waitUntilClose();
        kernel.close();
    }

    private JShellEvaluator warmUp(Supplier<JShellEvaluator> factory) {
        JShellEvaluator e = factory.get();
        onStartup();
        return e;
    }

    /** The evaluator, waiting for JShell to finish starting. */
    public JShellEvaluator evaluator() {
        try {
            return evaluator.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
        }
    }

    /** The history of executed cells. */
    public CellHistory history() {
        return history;
    }

    /** Sends every output to this outlet from now on (the Jupyter IOPub socket, or a recorder). */
    public void outlet(Outlet outlet) {
        publisher.outlet(outlet);
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        if (connection instanceof KernelConnection own) {
            this.connection = own;
        }
        publisher.outlet((parent, content) -> connection.getIOPub().sendMessage(message(parent, content)));
    }

    @SuppressWarnings("unchecked")
    private static <T> Message<T> message(MessageContext parent, ContentType<T> content) {
        return new Message<>(parent, content.getType(), (T) content);
    }

    // ---------------------------------------------------------------- execution

    /**
     * Executes a cell as if the notebook had sent it, publishing its outputs to the outlet, and waits for
     * it. Safe to call from any thread except the cell thread itself.
     */
    public Execution execute(String code) {
        return execute(code, null, true);
    }

    Execution execute(String code, MessageContext parent, boolean storeHistory) {
        int count = storeHistory ? executionCount.getAndIncrement() : executionCount.get();
        publisher.lastCell(parent);
        Future<Execution> f = cellExecutor.submit(() -> runOnCellThread(code, parent, count, storeHistory));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Execution(count, null, CellErrors.interrupted());
        } catch (ExecutionException e) {
            return new Execution(count, null, CellErrors.internal(e.getCause()));
        }
    }

    private Execution runOnCellThread(String code, MessageContext parent, int count, boolean storeHistory) {
        publisher.bindThread(parent);
        runner.label(Integer.toString(count));
        Thread.interrupted(); // an interrupt aimed at the previous cell must not hit this one
        DisplayData result = null;
        CellException error = null;
        interruptRequested = false;
        running = true;
        input.discard();
        HeapSizing.busy();
        try {
            evaluator();
            Object value = runner.run(code);
            // A final expression with its own semicolon runs without showing its value.
            result = display(value instanceof CellRunner.Terminated ? CellRunner.NO_VALUE : value);
        } catch (CellException e) {
            error = e;
        } catch (RuntimeException | Error e) {
            error = CellErrors.internal(e);
        } finally {
            idleSince = System.nanoTime();
            running = false;
            HeapSizing.idle();
            Thread.interrupted();
        }
        publisher.flushStreams();
        if (result != null) {
            publisher.publish(parent, new PublishExecuteResult(count, result));
        }
        if (error != null) {
            publisher.publish(parent, new PublishError(error.ename(), error.evalue(), error.traceback()));
        }
        if (storeHistory) {
            history.add(count, code, result == null ? "" : String.valueOf(result.getData(
                    MIMEType.TEXT_PLAIN)));
        }
        return new Execution(count, result, error);
    }

    /**
     * Set when a cell failed with {@code stop_on_error} while other requests were waiting: those (the rest
     * of a Run All) are answered {@code aborted} without running, up to the last one already queued.
     */
    private volatile boolean aborting;

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        env.setBusyDeferIdle();
        if (aborting) {
            // The last of the batch ends the aborting, decided before its reply goes out.
            KernelConnection own = connection;
            aborting = own != null && own.shellRequestWaiting();
            env.defer().reply(new Replies.ExecuteAborted());
            return;
        }
        boolean store = request.shouldStoreHistory() && !request.isSilent();
        env.publish(new PublishExecuteInput(request.getCode(), executionCount.get()));
        KernelConnection own = connection;
        cellInput = request.isStdinEnabled() && own != null
                ? (prompt, password) -> own.readLine(message, prompt, password, () -> interruptRequested)
                : null;
        Execution ex;
        try {
            ex = execute(request.getCode(), message, store);
        } finally {
            cellInput = null;
        }
        if (ex.ok()) {
            env.defer().reply(new Replies.ExecuteOk(ex.count(), userExpressions(request.getUserExpr())));
        } else {
            // Only the requests already queued behind it (a Run All) are aborted, never one a front end
            // sends after reading this reply.
            aborting = request.shouldStopOnError() && own != null && own.shellRequestWaiting();
            ErrorReply reply = new ErrorReply(ex.error().ename(), ex.error().evalue(), ex.error().traceback());
            reply.setExecutionCount(ex.count());
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    /**
     * What a cell's final value shows, or null for nothing. Like JShell, {@code null} shows as {@code null};
     * a {@link DisplayData} is shown as is; the console streams themselves (the value of a cell ending in
     * {@code System.out.printf(...)}) show nothing, since their text was already printed.
     */
    private DisplayData display(Object value) {
        value = CellRunner.unwrap(value);
        if (value == CellRunner.NO_VALUE || isConsole(value)) {
            return null;
        }
        if (value == null) {
            return new DisplayData("null");
        }
        return value instanceof DisplayData d ? d : getRenderer().render(value);
    }

    /** Whether a value is the very System.out/System.err object: the current one, the kernel's, or the JVM's. */
    private boolean isConsole(Object value) {
        return value instanceof PrintStream p
                && (p == System.out || p == System.err || p == notebookOut || p == notebookErr
                || p == oldOut || p == oldErr || p == getIO().out || p == getIO().err);
    }

    /** Evaluates Jupyter's user_expressions on the cell thread, after the cell. */
    private Map<String, Object> userExpressions(
            Map<String, String> expressions) {
        if (expressions == null || expressions.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, Object> out = new ConcurrentHashMap<>();
        Future<?> f = cellExecutor.submit(() -> expressions.forEach((name, expr) -> {
            try {
                DisplayData d = display(CellRunner.unwrap(runner.run(expr)));
                out.put(name, Replies.expressionValue(d == null ? new DisplayData("") : d));
            } catch (CellException e) {
                out.put(name, Replies.expressionError(e));
            }
        }));
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // an expression that broke the kernel's own code: report the ones evaluated so far
        }
        return out;
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new Replies.KernelInfo(Header.PROTOCOL_VERISON, name, version,
                getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        var request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags =
                EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> history.lookupTail(((HistoryRequest.Tail) request)
                    .getMaxReturnLength(), flags);
            case RANGE -> {
                var r = (HistoryRequest.Range) request;
                yield history.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
            }
            case SEARCH -> {
                var r = (HistoryRequest.Search) request;
                if (r.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                yield history.search(r.getPattern(), r.getMaxReturnLength(), flags);
            }
        };
        env.reply(new Replies.History(entries));
    }

    /** The magic line being run on the calling thread, for magics that need its raw text. */
    @Override
    public Optional<MagicLine> currentMagic() {
        return runner.currentMagic();
    }

    /** Publishes a message now, attributed like any output of the calling thread. */
    void publishNow(ContentType<?> content) {
        publisher.publish(content);
    }

    /** Evaluates code (and line magics in it) in the notebook and returns its raw value (null for none). */
    @Override
    public Object evalRaw(String source) {
        return runner.evalRaw(source);
    }

    /** The value of a notebook variable, read without compiling anything (for magics: {@code --over xs}). */
    @Override
    public Object variable(String name) {
        return evaluator().get(name);
    }

    /** Declares a notebook variable holding {@code value}; binding the same name and type again only sets it. */
    @Override
    public void bind(String name, String type, Object value) {
        evaluator().bind(name, type, value);
    }

    /** Reads one line typed by the notebook's user; see {@link #readLine}. */
    @FunctionalInterface
    public interface LineReader {
        String readLine(String prompt, boolean password) throws InterruptedException;
    }

    static final String NO_INPUT = "input is not available: this front end does not send input to the kernel"
            + " (nbclient and nbconvert do not, nor a front end with stdin turned off); set the value in code";

    /**
     * Asks the notebook's user for a line while a cell runs: an input_request to the front end that
     * sent the cell (shown as an input box; with {@code password} its text is not echoed), or, in
     * {@code chorus run}, the terminal. The answer is never shown or kept in the history. Pending
     * stdout and stderr text is published first, so a prompt printed just before shows above the box.
     *
     * @throws IllegalStateException when nobody can answer ({@value #NO_INPUT})
     * @throws InterruptedException  when the cell is interrupted while waiting
     */
    public String readLine(String prompt, boolean password) throws InterruptedException {
        LineReader r = cellInput != null ? cellInput : terminal;
        if (r == null) {
            throw new IllegalStateException(NO_INPUT);
        }
        publisher.flushStreams();
        return r.readLine(prompt == null ? "" : prompt, password);
    }

    /** For magics: how long no cell has run (their background preparation waits for a quiet moment). */
    @Override
    public long idleMillis() {
        return running ? 0 : (System.nanoTime() - idleSince) / 1_000_000;
    }

    /** For magics: {@code %client --secret ?} asks through {@link #readLine}. */
    @Override
    public String ask(String prompt, boolean secret) throws InterruptedException {
        return readLine(prompt, secret);
    }

    @Override
    public void interrupt() {
        if (!running) {
            return;
        }
        interruptRequested = true;
        if (runner.inCode()) {
            JShellEvaluator e = evaluator.getNow(null);
            if (e != null) {
                e.interrupt();
            }
        } else {
            Thread t = cellThread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** True while a cell is executing. */
    public boolean isRunning() {
        return running;
    }

    // ---------------------------------------------------------------- class path and extensions

    /**
     * Adds jars or class folders to the notebook's class path and loads the Jupyter extensions they
     * declare. Call from the cell thread (a magic) or when no cell runs.
     */
    @Override
    public void addToClasspath(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        evaluator().addToClasspath(paths);
        if (extensionsEnabled) {
            URL[] urls = paths.stream().map(ChorusKernel::url).toArray(URL[]::new);
            installExtensions(new URLClassLoader(urls, getClassLoader()));
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable path: " + p, e);
        }
    }

    // ---------------------------------------------------------------- magics

    /** Every magic this kernel knows (extensions register theirs through {@link #getMagicsRegistry()}). */
    @Override
    public MagicCatalogue catalogue() {
        return (MagicCatalogue) magicsRegistry;
    }

    // ---------------------------------------------------------------- completion, inspection, is_complete

    @Override
    public ReplacementOptions complete(String code, int at) {
        return assist.complete(code, at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return assist.inspect(code, at, extraDetail);
    }

    @Override
    public String isComplete(String code) {
        return assist.isComplete(code);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void onShutdown(boolean isRestarting) {
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            super.onShutdown(false);
        } catch (RuntimeException e) {
            // another kernel took over the notebook statics: nothing of ours to uninstall
        }
        publisher.flushStreams();
        flusher.shutdownNow();
        cellExecutor.shutdownNow();
        JShellEvaluator e = evaluator.getNow(null);
        if (e != null) {
            e.close();
        } else {
            evaluator.thenAccept(JShellEvaluator::close);
        }
        if (System.out != oldOut) {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    /**
     * Builds a {@link ChorusKernel}; {@link #build()} starts JShell in the background.
     *
     * <p>Not thread-safe; use once.
     */
    public static final class Builder extends BaseKernelBuilder<Builder, ChorusKernel> {

        private Supplier<JShellEvaluator> evaluatorFactory =
                () -> JShellEvaluator.start(EvaluatorOptions.builder().imports(IMPORTS).build());
        private Outlet outlet = (parent, content) -> { };
        private boolean captureSystemStreams = true;
        private boolean builtinMagics = true;
        private LineReader terminal;

        private Builder() {
            name("chorus");
            version(Version.VERSION);
        }

        /** Where outputs go until a Jupyter connection takes over (tests and the headless runner). */
        public Builder outlet(Outlet outlet) {
            this.outlet = outlet;
            return this;
        }

        /** How to create the JShell evaluator (called once, on the warm-up thread). */
        public Builder evaluator(Supplier<JShellEvaluator> factory) {
            this.evaluatorFactory = factory;
            return this;
        }

        /** Whether System.out/err/in become the notebook's (default true). */
        public Builder captureSystemStreams(boolean capture) {
            this.captureSystemStreams = capture;
            return this;
        }

        /** Where input comes from when no front end can answer (chorus run: its terminal); default none. */
        public Builder terminal(LineReader terminal) {
            this.terminal = terminal;
            return this;
        }

        /** Whether %maven, %classpath, %load, %time and %help are registered (default true). */
        public Builder builtinMagics(boolean register) {
            this.builtinMagics = register;
            return this;
        }

        @Override
        protected MagicsRegistry buildMagicsRegistry() {
            return new MagicCatalogue();
        }

        @Override
        public ChorusKernel build() {
            CellPublisher publisher = new CellPublisher(outlet);
            Parts parts = new Parts(buildName(), buildVersion(), buildCommManager(), buildRenderer(),
                    buildMagicTranspiler(), buildMagicsRegistry(), buildExtensionsEnabled(), buildErrorStyler());
            ChorusKernel k = new ChorusKernel(this, parts, publisher, new CellHistory(1));
            if (builtinMagics) {
                MagicCatalogue magics = k.catalogue();
                magics.registerLineMagic("maven", new MavenMagic(k));
                magics.registerLineMagic("classpath", new ClasspathMagic(k));
                magics.registerLineMagic("load", new LoadMagic(k));
                TimeMagic time = new TimeMagic(k);
                magics.registerLineMagic("time", time);
                magics.registerCellMagic("time", time.cell());
                magics.registerLineMagic("help", new HelpMagic(k));
            }
            return k;
        }
    }
}
