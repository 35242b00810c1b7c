package dev.chorus.kernel.cli;

import dev.chorus.kernel.ChorusKernel;
import dev.chorus.kernel.Execution;
import dev.chorus.kernel.Outlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Gson;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code chorus run FILE.ipynb|FILE.jsh [--out FILE]}: executes every code cell in a fresh in-process
 * kernel (no ZeroMQ, no Jupyter), prints one progress line per cell ({@code [3/17] ok 120 ms}) and, with
 * {@code --out}, writes the notebook with its outputs (nbformat 4). With {@code --verbose} the outputs are
 * echoed as text as well, once each, before their cell's progress line.
 *
 * <p>Stops at the first failing cell: prints {@code [N/M] failed T ms} to stdout, then
 * {@code Cell K failed: ENAME: EVALUE} (K counts every cell of the notebook) and its traceback to stderr,
 * still writes {@code --out}, and returns 1. A {@code .jsh} file runs as one cell.
 * Not thread-safe; one run per instance.
 */
public final class NotebookRun implements Outlet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Gson GSON = new Gson();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Where outputs are echoed as text, or null (without --verbose). */
    private final PrintStream echo;
    private final Map<String, List<ObjectNode>> displays = new HashMap<>();
    private volatile ArrayNode outputs = NODES.arrayNode();
    private volatile boolean clearOnNext;
    private boolean echoOpenLine;

    private NotebookRun(PrintStream echo) {
        this.echo = echo;
    }

    static int main(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> pos = Main.positional(args, opts, List.of("--out"), List.of("--verbose"));
        if (pos.size() != 1) {
            throw new Main.UsageException(pos.isEmpty() ? "run: missing FILE" : "run: expected one FILE");
        }
        Path in = Path.of(pos.get(0));
        Path outFile = opts.containsKey("--out") ? Path.of(opts.get("--out")) : null;
        return run(in, outFile, opts.containsKey("--verbose"), out, err);
    }

    /**
     * Runs a notebook or script; returns 0 when every cell succeeded, 1 at the first failing cell (or an
     * unreadable file).
     */
    public static int run(Path file, Path outFile, boolean verbose, PrintStream out, PrintStream err)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            err.println("chorus run: no such file '" + file + "'");
            return 1;
        }
        ObjectNode notebook;
        if (file.toString().endsWith(".ipynb")) {
            JsonNode tree = JSON.readTree(file.toFile());
            if (!(tree instanceof ObjectNode o) || !(o.get("cells") instanceof ArrayNode)) {
                err.println("chorus run: '" + file + "' is not a Jupyter notebook (no cells)");
                return 1;
            }
            notebook = o;
        } else {
            notebook = scriptNotebook(Files.readString(file));
        }
        NotebookRun run = new NotebookRun(verbose ? out : null);
        int status = 0;
        ArrayNode cells = (ArrayNode) notebook.get("cells");
        int total = 0;
        for (JsonNode c : cells) {
            if (runnable(c)) {
                total++;
            }
        }
        try (ChorusKernel kernel = ChorusKernel.builder().outlet(run).terminal(terminal()).build()) {
            int done = 0;
            for (int i = 0; i < cells.size(); i++) {
                if (!runnable(cells.get(i))) {
                    continue;
                }
                ObjectNode cell = (ObjectNode) cells.get(i);
                String source = source(cell.get("source"));
                run.outputs = NODES.arrayNode();
                run.clearOnNext = false;
                cell.set("outputs", run.outputs);
                long start = System.nanoTime();
                Execution ex = kernel.execute(source);
                long millis = (System.nanoTime() - start) / 1_000_000;
                cell.put("execution_count", ex.count());
                cell.set("outputs", run.outputs);
                run.endEchoLine();
                out.println("[" + (++done) + "/" + total + "] " + (ex.ok() ? "ok " : "failed ") + millis + " ms");
                if (!ex.ok()) {
                    err.println("Cell " + (i + 1) + " failed: " + ex.error().ename() + ": " + ex.error().evalue());
                    for (String line : ex.error().traceback()) {
                        err.println("    " + line);
                    }
                    status = 1;
                    break;
                }
            }
        }
        if (outFile != null) {
            Path parent = outFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(outFile.toFile(), notebook);
        }
        return status;
    }

    private static boolean runnable(JsonNode cell) {
        return cell instanceof ObjectNode o && "code".equals(o.path("cell_type").asText())
                && !source(o.get("source")).isBlank();
    }

    /** Ends a partial echoed line (text printed without a newline) so the progress line starts on its own. */
    private synchronized void endEchoLine() {
        if (echo != null && echoOpenLine) {
            echo.println();
            echoOpenLine = false;
        }
    }

    private synchronized void echo(String text, boolean line) {
        if (echo == null || text.isEmpty()) {
            return;
        }
        if (line) {
            endEchoLine();
            echo.println(text);
        } else {
            echo.print(text);
            echoOpenLine = !text.endsWith("\n");
        }
    }

    private static ObjectNode scriptNotebook(String code) {
        ObjectNode nb = NODES.objectNode();
        ObjectNode cell = NODES.objectNode();
        cell.put("cell_type", "code");
        cell.set("metadata", NODES.objectNode());
        cell.put("source", code);
        cell.putNull("execution_count");
        cell.set("outputs", NODES.arrayNode());
        nb.set("cells", NODES.arrayNode().add(cell));
        ObjectNode meta = NODES.objectNode();
        meta.set("kernelspec", NODES.objectNode().put("name", "chorus").put("display_name", Kernelspec.DISPLAY_NAME)
                .put("language", "java"));
        meta.set("language_info", NODES.objectNode().put("name", "java"));
        nb.set("metadata", meta);
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        return nb;
    }

    private static String source(JsonNode source) {
        if (source == null || source.isNull()) {
            return "";
        }
        if (source.isArray()) {
            StringBuilder sb = new StringBuilder();
            source.forEach(n -> sb.append(n.asText()));
            return sb.toString();
        }
        return source.asText();
    }

    @Override
    public synchronized void publish(MessageContext parent, ContentType<?> content) {
        if (content instanceof PublishClearOutput clear) {
            if (clear.shouldWait()) {
                clearOnNext = true;
            } else {
                outputs.removeAll();
            }
            return;
        }
        if (content instanceof PublishUpdateDisplayData update) {
            ObjectNode data = bundle(update);
            for (ObjectNode o : displays.getOrDefault(update.getDisplayId(), List.of())) {
                o.set("data", data.get("data"));
                o.set("metadata", data.get("metadata"));
            }
            return;
        }
        if (clearOnNext) {
            outputs.removeAll();
            clearOnNext = false;
        }
        if (content instanceof PublishStream s) {
            String name = s.getStreamType() == PublishStream.StreamType.OUT ? "stdout" : "stderr";
            JsonNode last = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
            if (last != null && "stream".equals(last.path("output_type").asText()) && name.equals(last.path("name").asText())) {
                ((ObjectNode) last).put("text", last.path("text").asText() + s.getText());
            } else {
                outputs.add(NODES.objectNode().put("output_type", "stream").put("name", name).put("text", s.getText()));
            }
            echo(s.getText(), false);
        } else if (content instanceof PublishExecuteResult r) {
            ObjectNode o = NODES.objectNode().put("output_type", "execute_result").put("execution_count", r.getCount());
            o.setAll(bundle(r));
            outputs.add(o);
            echo(text(o), true);
        } else if (content instanceof PublishDisplayData d) {
            ObjectNode o = NODES.objectNode().put("output_type", "display_data");
            o.setAll(bundle(d));
            outputs.add(o);
            if (d.getDisplayId() != null) {
                displays.computeIfAbsent(d.getDisplayId(), k -> new ArrayList<>()).add(o);
            }
            echo(text(o), true);
        } else if (content instanceof PublishError e) {
            ArrayNode tb = NODES.arrayNode();
            e.getStacktrace().forEach(tb::add);
            outputs.add(NODES.objectNode().put("output_type", "error").put("ename", e.getErrorName())
                    .put("evalue", e.getErrorMessage()).set("traceback", tb));
        }
    }

    private static ObjectNode bundle(DisplayData d) {
        try {
            JsonNode tree = JSON.readTree(GSON.toJson(d, DisplayData.class));
            ObjectNode o = NODES.objectNode();
            o.set("data", tree.has("data") ? tree.get("data") : NODES.objectNode());
            o.set("metadata", tree.has("metadata") ? tree.get("metadata") : NODES.objectNode());
            return o;
        } catch (IOException e) {
            throw new IllegalStateException("display data is not JSON", e);
        }
    }

    private static String text(ObjectNode output) {
        return output.path("data").path("text/plain").asText("");
    }

    /**
     * The terminal {@code chorus run} was started from, when it has one: cells that read input ask
     * there (a password without echo). Without a terminal (a pipe, CI) input is not available.
     */
    private static ChorusKernel.LineReader terminal() {
        java.io.Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return null;
        }
        return (prompt, password) -> {
            if (password) {
                char[] typed = console.readPassword("%s", prompt);
                return typed == null ? "" : new String(typed);
            }
            String line = console.readLine("%s", prompt);
            return line == null ? "" : line;
        };
    }

    /** JDK 22+ gives a console also to a process whose input is not a terminal; it says so itself. */
    private static boolean isTerminal(java.io.Console console) {
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;   // JDK 21: System.console() is null without a terminal
        }
    }
}
