package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.flag;
import static dev.chorus.magics.OptionSchema.value;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.RequestOptions;
import dev.chorus.client.fanout.CheckpointCodec;
import dev.chorus.client.fanout.FanOut;
import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.fanout.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import tech.tablesaw.api.Table;

/**
 * {@code %%fanout}: sends one chat request per body line, or per row of a table, list or file
 * with the body as a template, in parallel under concurrency, rate, retry, timeout and deadline
 * limits; shows one progress display updated in place; binds the results as a Tablesaw table
 * (one row per input, in input order) and shows a summary and a timeline. {@code %fanout status}
 * and {@code %fanout cancel} act on a {@code --background} run.
 *
 * <p>Threading: the cell thread waits for the engine (an interrupt cancels in-flight requests and
 * keeps finished rows); progress displays are sent from the engine's ticker thread. A background
 * run fills its bound table in place from engine threads. Failures of arguments are
 * {@link MagicException}s; failures of requests are rows.
 */
public final class FanOutMagic implements CellMagic<Object, BaseKernel>, LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %%fanout [--over VAR|FILE.csv|FILE.jsonl] [--concurrency N] [--rps R] [--retries N] [--timeout D]
                            [--deadline D] [--model M] [--system TEXT] [--max-tokens N] [--temperature T]
                            [--out VAR] [--checkpoint FILE.jsonl] [--background]
                   %fanout status | cancel
              Without --over each non-empty body line is one prompt; with --over the body is a template
              filled from each row ({column}; {it} for a list of strings). Results: a table bound to VAR
              (default results). Durations: 500ms, 30s, 2m. --checkpoint resumes from finished rows.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%%fanout", USAGE, 0,
            value("over", "VAR|FILE"), value("concurrency", "N"), value("rps", "R"), value("retries", "N"),
            value("timeout", "D"), value("deadline", "D"), value("model", "M"), value("system", "TEXT"),
            value("max-tokens", "N"), value("temperature", "T"), value("out", "VAR"),
            value("checkpoint", "FILE.jsonl"), flag("background"));
    static final OptionSchema LINE_SCHEMA = OptionSchema.of("%fanout", USAGE, 1);
    private static final long MIN_UPDATE_NANOS = 100_000_000L;

    private final Session session;

    FanOutMagic(Session session) {
        this.session = session;
    }

    /** The usage text, read by the kernel's {@code %help}. */
    public String usage() {
        return USAGE.strip();
    }

    /** One input of the fan-out: its position, its row values and its filled prompt. */
    record Row(int index, Map<String, Object> values, String prompt) {
        @Override
        public String toString() {
            return prompt;
        }
    }

    /** A parsed {@code %%fanout} call. */
    record Call(Options options, String over, Integer concurrency, Double rps, Integer retries, Duration timeout,
                Duration deadline, String model, String system, Integer maxTokens, Double temperature, String out,
                Path checkpoint, boolean background) {
        static Call parse(List<String> args, Session session) {
            Options o = SCHEMA.parse(args, session::getenv);
            String checkpoint = o.string("checkpoint", null);
            return new Call(o, o.string("over", null), o.positiveInt("concurrency", null), o.positiveNumber("rps", null),
                    o.nonNegativeInt("retries", null), o.duration("timeout", null), o.duration("deadline", null),
                    o.string("model", null), o.string("system", null), o.positiveInt("max-tokens", null),
                    o.number("temperature", null, 0, 2), o.variable("out", "results"),
                    checkpoint == null ? null : Path.of(checkpoint), o.flag("background"));
        }
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args, String body) {
        return run(new KernelNotebook(kernel), args, body);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) {
        return line(args);
    }

    /** {@code %fanout status | cancel}. */
    DisplayData line(List<String> args) {
        Options o = LINE_SCHEMA.parse(args, session::getenv);
        if (o.help()) {
            return Displays.text(usage());
        }
        if (o.positional().isEmpty()) {
            throw o.fail("say status or cancel");
        }
        String what = o.positional().get(0);
        if (!what.equals("status") && !what.equals("cancel")) {
            throw o.fail("unknown subcommand '" + what + "' (status or cancel)");
        }
        BackgroundFanOut bg = session.background();
        if (bg == null) {
            return Displays.text("no background fan-out: start one with %%fanout --background");
        }
        if (what.equals("cancel")) {
            bg.cancel();
            bg.handle().await(Duration.ofSeconds(5));
            bg.resultIfDone();
        }
        return status(bg);
    }

    static Progress finished(Progress p) {
        return new Progress(p.total(), p.done(), p.ok(), p.failed(), p.inFlight(), p.rate(), p.elapsed(), true);
    }

    static DisplayData status(BackgroundFanOut bg) {
        FanOutResult<Row, String> r = bg.resultIfDone();
        Progress p = r == null ? bg.handle().progress() : finished(bg.handle().progress());
        DisplayData d = ProgressView.display(bg.label(), p);
        if (r != null) {
            Timeline t = Timeline.of(bg.table());
            d.putText(d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN) + "\n"
                    + SummaryView.text(r.summary()) + "\n" + t.text() + "\nresults: " + bg.variable());
            d.putHTML(d.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML)
                    + SummaryView.html(r.summary()) + t.svg());
        }
        return d;
    }

    Object run(Notebook notebook, List<String> args, String body) {
        Call call = Call.parse(args, session);
        if (call.options().help()) {
            return Displays.text(usage());
        }
        Inputs inputs;
        String label;
        if (call.over() == null) {
            inputs = Inputs.lines(body == null ? "" : body);
            if (inputs.rows().isEmpty()) {
                throw call.options().fail("the cell body has no prompts (one per line, or a template with --over)");
            }
            label = "%%fanout";
        } else {
            inputs = load(call, notebook);
            label = "%%fanout --over " + call.over();
        }
        Table table = execute(call, inputs, body, notebook, label, true);
        return call.background() ? null : table;
    }

    private Inputs load(Call call, Notebook notebook) {
        try {
            if (Inputs.isFile(call.over())) {
                return Inputs.file(Path.of(call.over()));
            }
            Object value;
            try {
                value = notebook.read(call.over());
            } catch (RuntimeException e) {
                throw call.options().fail("--over " + call.over() + " is not a notebook variable");
            }
            return Inputs.of(value, call.over());
        } catch (MagicException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw call.options().fail("--over " + call.over() + ": " + e.getMessage());
        }
    }

    /** The prompts of {@code inputs}: the body lines, or the body filled from each row. */
    static List<String> prompts(Call call, Inputs inputs, String body, String source) {
        List<String> prompts = new ArrayList<>(inputs.rows().size());
        if (call.over() == null) {
            for (Map<String, Object> row : inputs.rows()) {
                prompts.add((String) row.get("prompt"));
            }
            return prompts;
        }
        Template template = new Template(body == null ? "" : body.strip());
        if (template.text().isEmpty()) {
            throw call.options().fail("the cell body (the prompt template) is empty");
        }
        if (inputs.rows().isEmpty()) {
            throw call.options().fail("--over " + source + " has no rows");
        }
        List<String> missing = Template.missing(template.names(), java.util.Set.copyOf(inputs.columns()));
        if (!missing.isEmpty()) {
            throw call.options().fail("{" + missing.get(0) + "} is not a column of " + source + " (columns: "
                    + String.join(", ", inputs.columns()) + ")");
        }
        for (Map<String, Object> row : inputs.rows()) {
            prompts.add(template.fill(row));
        }
        return prompts;
    }

    /**
     * Runs the fan-out and returns the result table (or, in background, the table that fills).
     * {@code notebook} may be null (no display, no binding); {@code bind} false skips binding.
     */
    Table execute(Call call, Inputs inputs, String body, Notebook notebook, String label, boolean bind) {
        Call c = call;
        List<String> prompts = prompts(c, inputs, body, c.over());
        ChatClient client = ClientMagic.require(session, bind ? notebook : null);
        Session.Defaults defaults = session.defaults();
        PromptMagic.Call promptCall = new PromptMagic.Call(c.options(), c.model(), c.system(), c.maxTokens(),
                c.temperature(), null, false);
        String model = promptCall.model(client, session);
        ChatRequest template = promptCall.request("-", client, session).toBuilder().model(model).build();
        if (c.background() && session.background() != null && !session.background().done()) {
            throw c.options().fail("a background fan-out is still running (%fanout status, %fanout cancel)");
        }

        List<Row> rows = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            rows.add(new Row(i, inputs.rows().get(i), prompts.get(i)));
        }
        ResultTable results = new ResultTable(c.out(), inputs, prompts);

        int concurrency = c.concurrency() != null ? c.concurrency() : defaults.concurrencyOr16();
        FanOut.Builder<Row, String> b = FanOut.<Row, String>builder().concurrency(concurrency)
                .retries(c.retries() != null ? c.retries() : defaults.retries() != null ? defaults.retries() : 2)
                .key(Row::prompt);
        Double rps = c.rps() != null ? c.rps() : defaults.rps();
        if (rps != null) {
            b.requestsPerSecond(rps);
        }
        Duration timeout = c.timeout() != null ? c.timeout() : defaults.timeout();
        if (timeout != null) {
            b.itemTimeout(timeout);
        }
        if (c.deadline() != null) {
            b.deadline(c.deadline());
        }
        if (c.checkpoint() != null) {
            b.checkpoint(c.checkpoint(), CheckpointCodec.strings());
        }
        String displayId = "chorus-fanout-" + UUID.randomUUID();
        AtomicReference<FanOutHandle<Row, String>> handleRef = new AtomicReference<>();
        AtomicLong lastUpdate = new AtomicLong();
        b.listener(p -> {
            FanOutHandle<Row, String> h = handleRef.get();
            if (h != null) {
                results.fillAll(h.partial());
            }
            long now = System.nanoTime();
            if (notebook != null && !p.finished() && now - lastUpdate.get() >= MIN_UPDATE_NANOS) {
                lastUpdate.set(now);
                notebook.update(displayId, ProgressView.display(label, p));
            }
        });
        RequestOptions once = RequestOptions.builder().maxRetries(0).build();
        FanOut<Row, String> engine = b.build();
        if (notebook != null) {
            notebook.display(Displays.withId(ProgressView.display(label,
                    new Progress(rows.size(), 0, 0, 0, 0, 0, Duration.ZERO, false)), displayId));
        }
        FanOutHandle<Row, String> handle;
        try {
            handle = engine.start(rows, (row, ctx) -> {
                ChatCompletion answer = client.chat().completions()
                        .create(template.toBuilder().messages(messagesFor(template, row.prompt())).build(), once);
                if (answer.usage() != null) {
                    ctx.tokens(answer.usage().promptTokens(), answer.usage().completionTokens());
                }
                return answer.content();
            });
        } catch (RuntimeException e) {
            throw c.options().failed(e.getMessage());
        }
        handleRef.set(handle);

        if (c.background()) {
            BackgroundFanOut bg = new BackgroundFanOut(handle, results, c.out(), label);
            session.background(bg);
            if (bind && notebook != null) {
                notebook.bind(c.out(), "tech.tablesaw.api.Table", results.table());
            }
            handle.completion().whenComplete((r, e) -> {
                if (r != null) {
                    results.fillAll(r.items());
                }
                if (notebook != null) {
                    notebook.update(displayId, status(bg));
                }
            });
            if (notebook != null) {
                notebook.display(Displays.text("running in the background: " + c.out()
                        + " fills as rows finish; %fanout status shows progress, %fanout cancel stops it"));
            }
            return results.table();
        }

        FanOutResult<Row, String> result = handle.await();
        boolean interrupted = Thread.interrupted();
        results.fillAll(result.items());
        if (notebook != null) {
            notebook.update(displayId, ProgressView.display(label, finished(handle.progress())));
            if (bind) {
                notebook.bind(c.out(), "tech.tablesaw.api.Table", results.table());
            }
            notebook.display(SummaryView.display(result.summary()));
            notebook.display(Timeline.of(results.table()).display());
            if (result.cancelled() || interrupted) {
                notebook.display(Displays.text("interrupted: " + result.ok().size() + " finished rows kept, the rest "
                        + "marked cancelled" + (bind ? "; results bound to " + c.out() : "")));
            }
            result.checkpointError().ifPresent(e -> notebook.display(Displays.text(
                    "checkpoint " + c.checkpoint() + " stopped being written: " + e.getMessage())));
        }
        return results.table();
    }

    private static List<dev.chorus.client.Message> messagesFor(ChatRequest template, String prompt) {
        List<dev.chorus.client.Message> messages = new ArrayList<>(template.messages());
        messages.set(messages.size() - 1, dev.chorus.client.Message.user(prompt));
        return messages;
    }
}
