package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.flag;
import static dev.chorus.magics.OptionSchema.value;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.ChatChunk;
import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.ChatStream;
import dev.chorus.client.ChorusException;
import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.StructuredCompletion;
import dev.chorus.client.Usage;
import dev.chorus.client.structured.OutputSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import tech.tablesaw.api.Table;

/**
 * {@code %%prompt}: sends the cell body (with {@code {name}} replaced by notebook variables) as one
 * chat request, streams the answer into one display updated in place, ends it with a line of
 * latency and tokens, and binds the full reply to a variable.
 *
 * <p>Runs on the cell thread; the stream is read on a virtual thread so that an interrupt of the
 * cell closes the HTTP call at once (the partial reply is still bound). Failures are
 * {@link MagicException}s.
 */
final class PromptMagic extends ChorusMagic implements CellMagic<Object, BaseKernel> {
    static final String USAGE = """
            %%prompt [--model M] [--system TEXT] [--max-tokens N] [--temperature T] [--out VAR] [--no-stream]
                     [--schema R] [--no-cache | --refresh]
              The cell body is the prompt; {name} is replaced by the notebook variable name ({{ and }} for braces).
              The answer streams into the output and is bound to VAR (default answer). With --schema R (a record,
              class or enum, a variable holding a JSON Schema, or a .json file) the answer is JSON of that shape,
              validated, shown as a one-row table and bound as an R (a Map for a JSON Schema). A cached answer
              is shown at once (--no-cache skips the cache, --refresh asks again).
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%%prompt", USAGE, 0,
            value("model", "M"), value("system", "TEXT"), value("max-tokens", "N"), value("temperature", "T"),
            value("out", "VAR"), flag("no-stream"), value("schema", "R"), flag("no-cache"), flag("refresh"));
    private static final long UPDATE_EVERY_NANOS = 100_000_000L;

    PromptMagic(Session session) {
        super(session, SCHEMA);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args, String body) {
        return run(new KernelNotebook(kernel), args, body);
    }

    /** A parsed {@code %%prompt} call. */
    record Call(Options options, String model, String system, Integer maxTokens, Double temperature, String out,
                boolean stream, String schema, boolean noCache, boolean refresh) {
        static Call parse(List<String> args, Session session) {
            Options o = SCHEMA.parse(args, session::getenv);
            return new Call(o, o.string("model", null), o.string("system", null), o.positiveInt("max-tokens", null),
                    o.number("temperature", null, 0, 2), o.variable("out", "answer"), !o.flag("no-stream"),
                    o.string("schema", null), o.flag("no-cache"), o.flag("refresh"));
        }

        ChatRequest request(String prompt, ChatClient client, Session session) {
            ChatRequest.Builder b = ChatRequest.builder().model(model(client, session));
            if (system != null) {
                b.system(system);
            }
            b.user(prompt);
            if (maxTokens != null) {
                b.maxTokens(maxTokens);
            }
            if (temperature != null) {
                b.temperature(temperature);
            }
            return b.build();
        }

        String model(ChatClient client, Session session) {
            if (model != null) {
                return model;
            }
            String m = session.defaults().model();
            if (m == null) {
                m = client.defaultModel();
            }
            if (m == null) {
                throw options.fail("no model: pass --model M, or set one with %client --model M (or CHORUS_MODEL)");
            }
            return m;
        }
    }

    Object run(Notebook notebook, List<String> args, String body) {
        Call call = Call.parse(args, session);
        if (call.options().help()) {
            return Displays.text(usage());
        }
        String prompt = fill(call.options(), body, notebook);
        ChatClient client = ClientMagic.require(session, notebook);
        ChatRequest request = call.request(prompt, client, session);
        OutputSchema schema = call.schema() == null ? null : SchemaArg.resolve(call.schema(), notebook, call.options());
        ResponseCache cache = ResponseCache.forCall(session, call.options(), call.noCache(), call.refresh(), notebook);
        String key = cache == null ? null
                : ResponseCache.key(client.baseUrl(), schema == null ? request : schema.request(request, false));
        ResponseCache.Entry hit = cache == null || call.refresh() ? null : cache.get(key);
        if (schema != null) {
            structured(call, schema, client, request, notebook, cache, key, hit);
            return null;
        }
        if (hit != null) {
            Reply r = new Reply(hit.content(), hit.latencyMs(), new Usage((int) hit.promptTokens(),
                    (int) hit.completionTokens(), (int) (hit.promptTokens() + hit.completionTokens())), false, true);
            notebook.display(r.display());
            notebook.bind(call.out(), "String", r.text());
            return null;
        }
        Reply reply = call.stream() ? stream(call, client, request, notebook) : once(call, client, request, notebook);
        if (cache != null && !reply.interrupted()) {
            long p = reply.usage() == null ? 0 : reply.usage().promptTokens();
            long c = reply.usage() == null ? 0 : reply.usage().completionTokens();
            cache.put(key, new ResponseCache.Entry(reply.text(), p, c, reply.millis()));
            cache.flush();
        }
        notebook.bind(call.out(), "String", reply.text());
        if (reply.interrupted()) {
            Thread.currentThread().interrupt();
            throw new MagicException("%%prompt interrupted: the partial answer (" + reply.text().length()
                    + " characters) is bound to " + call.out());
        }
        return null;
    }

    /** What the model said and how long it took. */
    record Reply(String text, long millis, Usage usage, boolean interrupted, boolean cached) {
        Reply(String text, long millis, Usage usage, boolean interrupted) {
            this(text, millis, usage, interrupted, false);
        }

        String footer() {
            String tokens = usage == null ? "tokens not reported"
                    : usage.promptTokens() + " prompt + " + usage.completionTokens() + " completion tokens";
            return String.format(Locale.ROOT, "— %s%d ms · %s%s", cached ? "from cache, first answered in " : "",
                    millis, tokens, interrupted ? " · interrupted" : "");
        }

        DisplayData display() {
            DisplayData d = new DisplayData();
            d.putText(text + "\n" + footer());
            d.putHTML("<div class=\"chorus-answer\">" + Html.pre(text)
                    + "<div style=\"color:#666;font-size:smaller\">" + Html.escape(footer()) + "</div></div>");
            return d;
        }
    }

    /**
     * Asks for an answer of {@code schema}'s shape (re-asked within the client's retries while it is
     * invalid), shows it as a one-row table with a footer, and binds it as the schema's type (a
     * {@code Map} for a JSON Schema; the value itself when the schema's root is not an object).
     */
    private void structured(Call call, OutputSchema schema, ChatClient client, ChatRequest request, Notebook notebook,
                            ResponseCache cache, String key, ResponseCache.Entry hit) {
        long t0 = System.nanoTime();
        if (hit != null) {
            JsonNode json = null;
            try {
                json = schema.check(hit.content(), null);
            } catch (InvalidAnswerException stale) {
                // not valid for this schema any more: ask again below
            }
            if (json != null) {
                String footer = String.format(Locale.ROOT, "— from cache, first answered in %d ms · %d prompt + %d"
                        + " completion tokens", hit.latencyMs(), hit.promptTokens(), hit.completionTokens());
                show(call, schema, json, footer, notebook);
                return;
            }
        }
        StructuredCompletion<Object> r;
        try {
            r = client.chat().completions().create(request, schema, Object.class, RequestOptions.DEFAULT);
        } catch (InvalidAnswerException e) {
            String raw = e.raw() == null ? "" : e.raw().replaceAll("\\s+", " ");
            throw call.options().failed(e.getMessage() + "; the last answer was: "
                    + (raw.length() > 300 ? raw.substring(0, 300) + "…" : raw));
        } catch (ChorusException e) {
            if (Thread.interrupted()) {
                throw new MagicException("%%prompt interrupted before the answer came; nothing is bound to " + call.out());
            }
            throw call.options().failed(e.getMessage());
        }
        Usage usage = r.completion().usage();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String footer = String.format(Locale.ROOT, "— %d ms · %s · %s%s", millis,
                usage == null ? "tokens not reported"
                        : usage.promptTokens() + " prompt + " + usage.completionTokens() + " completion tokens",
                r.requests() == 1 ? "1 request" : r.requests() + " requests",
                r.fellBack() ? " · json_object (the server refused json_schema)" : "");
        show(call, schema, r.json(), footer, notebook);
        if (cache != null) {
            cache.put(key, new ResponseCache.Entry(r.completion().content(), usage == null ? 0 : usage.promptTokens(),
                    usage == null ? 0 : usage.completionTokens(), millis));
            cache.flush();
        }
    }

    /** Shows a structured answer as a one-row table with {@code footer}, and binds it. */
    private void show(Call call, OutputSchema schema, JsonNode json, String footer, Notebook notebook) {
        Object value;
        try {
            value = schema.value(json);
        } catch (IllegalArgumentException e) {
            throw call.options().failed(e.getMessage());
        }
        TablesawStartup.ensure();
        TypedColumns columns = new TypedColumns(schema, 1, java.util.Set.of());
        columns.set(0, json);
        Table table = Table.create(schema.name());
        columns.columns().forEach(table::addColumns);
        DisplayData shown = notebook.render(table);
        if (shown == null) {
            shown = new DisplayData();
        }
        Object text = shown.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
        shown.putText((text == null ? table.print() : text) + "\n" + footer);
        Object html = shown.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML);
        if (html != null) {
            shown.putHTML(html + "<div style=\"color:#666;font-size:smaller\">" + Html.escape(footer) + "</div>");
        }
        notebook.display(shown);
        notebook.bind(call.out(), bindType(schema, value), value);
    }

    /** The Java type a structured answer is declared with in the notebook. */
    static String bindType(OutputSchema schema, Object value) {
        Class<?> type = schema.type();
        if (type == null) {
            return value instanceof Map<?, ?> ? "java.util.Map<String, Object>" : "Object";
        }
        // A class defined in a cell lives in JShell's wrapper ("REPL.$JShell$12$Review"): its simple name is its name there.
        if (type.getName().startsWith("REPL.")) {
            return type.getSimpleName();
        }
        return type.getCanonicalName() == null ? "Object" : type.getCanonicalName();
    }

    /** The body with {@code {name}} replaced by notebook variables. */
    static String fill(Options o, String body, Notebook notebook) {
        Template template = new Template(body == null ? "" : body.strip());
        if (template.text().isEmpty()) {
            throw o.fail("the cell body (the prompt) is empty");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : template.names()) {
            try {
                values.put(name, notebook.read(name));
            } catch (RuntimeException e) {
                throw o.fail("{" + name + "} is not a notebook variable (write {{ and }} for literal braces)");
            }
        }
        return template.fill(values);
    }

    private Reply once(Call call, ChatClient client, ChatRequest request, Notebook notebook) {
        long t0 = System.nanoTime();
        ChatCompletion c;
        try {
            c = client.chat().completions().create(request);
        } catch (ChorusException e) {
            if (Thread.currentThread().isInterrupted()) {
                Reply r = new Reply("", (System.nanoTime() - t0) / 1_000_000, null, true);
                notebook.display(r.display());
                Thread.interrupted();
                return r;
            }
            throw call.options().failed(e.getMessage());
        }
        Reply r = new Reply(c.content(), (System.nanoTime() - t0) / 1_000_000, c.usage(), false);
        notebook.display(r.display());
        return r;
    }

    private Reply stream(Call call, ChatClient client, ChatRequest request, Notebook notebook) {
        String id = "chorus-prompt-" + UUID.randomUUID();
        notebook.display(Displays.withId(Displays.text("…"), id));
        long t0 = System.nanoTime();
        ChatStream stream;
        try {
            stream = client.chat().completions().stream(request);
        } catch (ChorusException e) {
            if (Thread.interrupted()) {
                Reply r = new Reply("", (System.nanoTime() - t0) / 1_000_000, null, true);
                notebook.update(id, r.display());
                return r;
            }
            notebook.update(id, Displays.text("failed"));
            throw call.options().failed(e.getMessage());
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        StringBuilder text = new StringBuilder();
        Thread reader = Thread.ofVirtual().name("chorus-prompt").start(() -> {
            long last = 0;
            try (stream) {
                for (ChatChunk chunk : stream) {
                    String shown;
                    synchronized (text) {
                        text.append(chunk.delta());
                        shown = text.toString();
                    }
                    long now = System.nanoTime();
                    if (now - last >= UPDATE_EVERY_NANOS) {
                        last = now;
                        notebook.update(id, Displays.text(shown));
                    }
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        boolean interrupted = false;
        try {
            reader.join();
        } catch (InterruptedException e) {
            interrupted = true;
            try {
                stream.close();
            } catch (RuntimeException raced) {
                // Closing cancels the call first; releasing the body while the reader is inside
                // it can fail in OkHttp, and the cancelled reader ends either way.
            }
            try {
                reader.join(2_000);
            } catch (InterruptedException again) {
                // already stopping
            }
        }
        String finalText;
        synchronized (text) {
            finalText = text.toString();
        }
        Reply r = new Reply(finalText, (System.nanoTime() - t0) / 1_000_000, stream.usage(), interrupted);
        notebook.update(id, r.display());
        if (!interrupted && failure.get() != null) {
            throw call.options().failed(failure.get().getMessage());
        }
        return r;
    }
}
