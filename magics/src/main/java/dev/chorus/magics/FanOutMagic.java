package dev.chorus.magics;

import static dev.chorus.magics.OptionSchema.flag;
import static dev.chorus.magics.OptionSchema.repeated;
import static dev.chorus.magics.OptionSchema.value;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatRequest;
import dev.chorus.client.fanout.FanOutHandle;
import dev.chorus.client.fanout.FanOutResult;
import dev.chorus.client.structured.OutputSchema;
import dev.chorus.magics.spi.PartlyDoneException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
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
final class FanOutMagic extends ChorusMagic implements CellMagic<Object, BaseKernel>, LineMagic<Object, BaseKernel> {
    static final String USAGE = """
            %%fanout [--over VAR|FILE.csv|FILE.jsonl] [--schema R] [--models A,B] [--vary NAME=V1,V2]... [--prompts VAR]
                            [--concurrency N] [--rps R] [--retries N]
                            [--timeout D] [--deadline D] [--model M] [--system TEXT] [--max-tokens N]
                            [--temperature T] [--out VAR] [--checkpoint FILE.jsonl] [--background]
                            [--no-cache | --refresh] [--price in=X,out=Y[,currency=C]] [--yes] [--max-cost X]
                            [--batch [--retry-failed]]
                   %fanout status | cancel | guard [requests=N,cost=X]
              Without --over each non-empty body line is one prompt; with --over the body is a template
              filled from each row ({column}; {it} for a list of strings). Results: a table bound to VAR
              (default results). --schema R (a record, class or enum, a variable holding a JSON Schema,
              or a .json file) asks for JSON of that shape and gives one typed column per field. A grid:
              --models, --vary (a sampling parameter; may repeat) and templates separated by --- lines (or
              --prompts VAR) run their cross product: one row per input and variant.
              Answers are cached: running the cell again sends only what is not cached (--no-cache skips
              the cache, --refresh asks again). Before sending, a pre-flight line counts requests, tokens and
              cost (per million tokens: --price, CHORUS_PRICES, or a built-in list); above 1,000 requests or
              $1 it asks (--yes does not); --max-cost X stops sending once X is spent. Durations: 500ms, 30s,
              2m. --checkpoint resumes. --progress: the Java twin shows progress, summary and chart too.
              --batch hands the rows to the provider's Batch API (files of at most 50,000 requests): the same
              table, filled when the batches end; running the cell again re-attaches to its batches (also
              after a restart); an interrupt detaches them; %fanout cancel cancels them on the server;
              --retry-failed submits the rows that failed or expired once more when the batches end.
            """;
    static final OptionSchema SCHEMA = OptionSchema.of("%%fanout", USAGE, 0,
            value("over", "VAR|FILE"), value("schema", "R"), value("models", "A,B"), repeated("vary", "NAME=V1,V2"),
            value("prompts", "VAR"), value("concurrency", "N"), value("rps", "R"), value("retries", "N"),
            value("timeout", "D"), value("deadline", "D"), value("model", "M"), value("system", "TEXT"),
            value("max-tokens", "N"), value("temperature", "T"), value("out", "VAR"),
            value("checkpoint", "FILE.jsonl"), flag("background"), flag("no-cache"), flag("refresh"),
            value("price", "in=X,out=Y"), flag("yes"), value("max-cost", "X"),
            flag("progress"), flag("batch"), flag("retry-failed"));
    static final OptionSchema LINE_SCHEMA = OptionSchema.of("%fanout", USAGE, 2);

    FanOutMagic(Session session) {
        super(session, SCHEMA);
    }

    /** A parsed {@code %%fanout} call. */
    record Call(Options options, String over, String schema, String models, List<String> vary, String prompts,
                Integer concurrency, Double rps, Integer retries, Duration timeout,
                Duration deadline, String model, String system, Integer maxTokens, Double temperature, String out,
                Path checkpoint, boolean background, boolean noCache, boolean refresh, String price, boolean yes,
                Double maxCost, boolean batch, boolean retryFailed) {
        static Call parse(List<String> args, Session session) {
            Options o = SCHEMA.parse(args, session::getenv);
            String checkpoint = o.string("checkpoint", null);
            return new Call(o, o.string("over", null), o.string("schema", null), o.string("models", null),
                    o.strings("vary"), o.string("prompts", null), o.positiveInt("concurrency", null), o.positiveNumber("rps", null),
                    o.nonNegativeInt("retries", null), o.duration("timeout", null), o.duration("deadline", null),
                    o.string("model", null), o.string("system", null), o.positiveInt("max-tokens", null),
                    o.number("temperature", null, 0, 2), o.variable("out", "results"),
                    checkpoint == null ? null : Path.of(checkpoint), o.flag("background"), o.flag("no-cache"),
                    o.flag("refresh"), o.string("price", null), o.flag("yes"), o.positiveNumber("max-cost", null),
                    o.flag("batch"), o.flag("retry-failed"));
        }
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args, String body) throws InterruptedException {
        return run(new KernelNotebook(kernel), args, body);
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) {
        return line(new KernelNotebook(kernel), args);
    }

    /** {@code %fanout status | cancel | guard} without a notebook (a status that does not stay live). */
    DisplayData line(List<String> args) {
        return line(null, args);
    }

    /** {@code %fanout status | cancel | guard}. */
    DisplayData line(Notebook notebook, List<String> args) {
        Options o = LINE_SCHEMA.parse(args, session::getenv);
        if (o.help()) {
            return Displays.text(usage());
        }
        if (o.positional().isEmpty()) {
            throw o.fail("say status, cancel or guard");
        }
        if (o.positional().size() > 1 && !o.positional().get(0).equals("guard")) {
            throw o.fail("unexpected argument '" + o.positional().get(1) + "'");
        }
        String what = o.positional().get(0);
        if (what.equals("guard")) {
            return guard(o);
        }
        if (!what.equals("status") && !what.equals("cancel")) {
            throw o.fail("unknown subcommand '" + what + "' (status, cancel or guard)");
        }
        BackgroundFanOut bg = session.background();
        if (bg == null && what.equals("cancel") && session.batchState() != null) {
            return cancelBatches(o, session.batchState());
        }
        if (bg == null) {
            return Displays.text("no background fan-out: start one with %%fanout --background");
        }
        if (what.equals("cancel")) {
            bg.cancel();
            bg.handle().await(Duration.ofSeconds(5));
            bg.resultIfDone();
            return status(bg);
        }
        if (bg.done()) {
            return Displays.text(finished(bg));
        }
        if (notebook == null) {
            return ProgressView.display(bg.label(), bg.handle().progress());
        }
        // Live: the display follows the run from this cell, then says in one line how it ended.
        String id = "chorus-fanout-status-" + java.util.UUID.randomUUID();
        notebook.display(Displays.withId(ProgressView.display(bg.label(), bg.handle().progress()), id));
        Thread.ofVirtual().name("chorus-fanout-status").start(() -> {
            while (!bg.done()) {
                bg.handle().await(Duration.ofMillis(250));
                if (!bg.done()) {
                    notebook.update(id, ProgressView.display(bg.label(), bg.handle().progress()));
                }
            }
            notebook.update(id, Displays.text(finished(bg)));
        });
        return null;
    }

    /** One line on a background run that has ended: its final progress and where its results are. */
    static String finished(BackgroundFanOut bg) {
        return ProgressView.text(bg.label(), bg.handle().progress()) + " · results: " + bg.variable();
    }

    /** {@code %fanout guard [requests=N,cost=X]}: shows or sets when a fan-out asks before sending. */
    private DisplayData guard(Options o) {
        if (o.positional().size() > 2) {
            throw o.fail("guard takes one argument: requests=N,cost=X");
        }
        if (o.positional().size() == 2) {
            try {
                session.confirmAbove(Preflight.thresholds(o.positional().get(1)));
            } catch (IllegalArgumentException e) {
                throw o.fail(e.getMessage().replace("CHORUS_CONFIRM_ABOVE", "guard"));
            }
        }
        double[] t;
        try {
            t = session.confirmAbove() != null ? session.confirmAbove()
                    : Preflight.thresholds(session.getenv("CHORUS_CONFIRM_ABOVE"));
        } catch (IllegalArgumentException e) {
            throw o.fail(e.getMessage());
        }
        return Displays.text(String.format(java.util.Locale.ROOT,
                "a fan-out asks before sending more than %,.0f requests or %s estimated (not to the embedded sandbox;"
                        + " --yes skips the question)", t[0],
                Double.isNaN(t[1]) ? "$1 (100 ₽ for prices in RUB)" : String.format(java.util.Locale.ROOT, "%s", t[1])));
    }

    /** Progress of a background run; once it ended, with its summary and where its results are. */
    static DisplayData status(BackgroundFanOut bg) {
        FanOutResult<FanOutJob.Row, FanOutJob.Answer> r = bg.resultIfDone();
        DisplayData d = ProgressView.display(bg.label(), bg.handle().progress());
        if (r != null) {
            String note = bg.job().fellBack() ? "\n" + FanOutDisplay.FELL_BACK : "";
            d.putText(d.getData(MIMEType.TEXT_PLAIN) + "\n" + SummaryView.text(r.summary()) + note
                    + "\nresults: " + bg.variable());
            d.putHTML(d.getData(MIMEType.TEXT_HTML) + SummaryView.html(r.summary())
                    + (note.isEmpty() ? "" : "<div>" + Html.escape(FanOutDisplay.FELL_BACK) + "</div>")
                    + "<div>results: " + Html.escape(bg.variable()) + "</div>");
        }
        return d;
    }

    Object run(Notebook notebook, List<String> args, String body) throws InterruptedException {
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
        Outcome outcome = execute(call, inputs, body, notebook, label, true, null);
        if (outcome.interrupted()) {
            // Run All stops here, as at any interrupted cell; the finished rows are bound and kept.
            throw new PartlyDoneException(outcome.interruptedText());
        }
        return call.background() ? null : outcome.table();
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
        var fill = template.filler();
        for (Map<String, Object> row : inputs.rows()) {
            prompts.add(fill.apply(row));
        }
        return prompts;
    }

    /** The grid of a call: its templates (one without a grid), models and varied parameters. */
    private Grid grid(Call c, String body, Notebook notebook) {
        List<String> templates;
        if (c.prompts() != null) {
            if (c.over() == null) {
                throw c.options().fail("--prompts gives templates for the rows of --over; without --over each body line is a prompt");
            }
            Object value;
            try {
                value = notebook == null ? null : notebook.read(c.prompts());
            } catch (RuntimeException e) {
                throw c.options().fail("--prompts " + c.prompts() + " is not a notebook variable");
            }
            if (!(value instanceof List<?> list) || list.isEmpty() || !list.stream().allMatch(x -> x instanceof String)) {
                throw c.options().fail("--prompts " + c.prompts() + " must be a non-empty List<String> of templates");
            }
            if (body != null && !body.isBlank()) {
                throw c.options().fail("--prompts gives the templates: leave the cell body empty");
            }
            templates = list.stream().map(x -> ((String) x).strip()).toList();
        } else if (c.over() != null) {
            templates = Grid.templates(body);
        } else {
            // Without --over each body line is a prompt: no templates, one placeholder.
            templates = List.of(body == null ? "" : body);
        }
        return Grid.of(templates, c.models(), c.vary(), c.options());
    }

    /** The columns a grid adds after the input columns: input, model, one per varied parameter, variant. */
    private static List<tech.tablesaw.columns.Column<?>> gridColumns(Grid grid, List<FanOutJob.Row> rows, String model) {
        tech.tablesaw.api.IntColumn input = tech.tablesaw.api.IntColumn.create("input");
        tech.tablesaw.api.StringColumn models = tech.tablesaw.api.StringColumn.create("model");
        tech.tablesaw.api.StringColumn variant = tech.tablesaw.api.StringColumn.create("variant");
        Map<String, tech.tablesaw.api.StringColumn> params = new java.util.LinkedHashMap<>();
        grid.vary().keySet().forEach(k -> params.put(k, tech.tablesaw.api.StringColumn.create(k)));
        int variants = grid.variants().size();
        for (FanOutJob.Row r : rows) {
            input.append(r.index() / variants);
            models.append(r.variant().model() == null ? model : r.variant().model());
            variant.append(r.variant().label());
            params.forEach((k, col) -> col.append(Grid.text(r.variant().params().get(k))));
        }
        List<tech.tablesaw.columns.Column<?>> out = new ArrayList<>();
        out.add(input);
        out.add(models);
        out.addAll(params.values());
        out.add(variant);
        return out;
    }

    /** Whether {@code client} talks to the session's embedded sandbox: free and local, so it gets no pre-flight. */
    private boolean toEmbeddedSandbox(ChatClient client) {
        dev.chorus.sandbox.Sandbox embedded = session.sandbox();
        return embedded != null && client.baseUrl().startsWith(embedded.baseUrl());
    }

    /**
     * The pre-flight guard: unless the client is the embedded sandbox, shows what the run will send
     * (requests, tokens, cost where a price is known) and, above the thresholds, asks through stdin
     * ({@code --yes} skips the question). Nothing has been sent yet.
     */
    private void preflight(Call c, ChatClient client, List<FanOutJob.Row> uncached, RowRequests requests, String model,
                           int cachedRows, ResultTable results, java.util.function.Consumer<String> say,
                           Notebook notebook, Map<String, Preflight.Price> prices) {
        if (toEmbeddedSandbox(client)) {
            return;
        }
        double[] thresholds;
        try {
            thresholds = session.confirmAbove() != null ? session.confirmAbove()
                    : Preflight.thresholds(session.getenv("CHORUS_CONFIRM_ABOVE"));
        } catch (IllegalArgumentException e) {
            throw c.options().fail(e.getMessage());
        }
        Map<String, List<ChatRequest>> byModel = byModel(uncached, requests, model);
        if (byModel.isEmpty()) {
            // Everything is cached: the line still names the run's model.
            byModel.put(prices.keySet().iterator().next(), List.of());
        }
        Preflight.Estimate e = Preflight.estimate(byModel, cachedRows, c.maxTokens(), prices::get,
                results.schema() == null ? null : results.schema().schema().toString());
        Preflight.Price price = e.price();
        if (say != null) {
            say.accept(e.line());
        }
        if (c.yes() || e.requests() == 0 || !Preflight.needsYes(e, thresholds)) {
            return;
        }
        String what = String.format(java.util.Locale.ROOT, "%,d requests%s", e.requests(),
                price == null || Double.isNaN(e.cost()) ? "" : ", " + price.approx(e.cost()));
        String answer;
        try {
            if (notebook == null) {
                throw new IllegalStateException("no notebook");
            }
            answer = notebook.ask("Send " + what + "? [y/N] ", false);
        } catch (IllegalStateException noInput) {
            throw c.options().failed("this fan-out needs a yes (" + what + ") and this front end cannot ask;"
                    + " add --yes to send it");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new MagicException("interrupted before anything was sent");
        }
        String a = answer == null ? "" : answer.strip().toLowerCase(java.util.Locale.ROOT);
        if (!a.equals("y") && !a.equals("yes")) {
            throw c.options().failed("not sent: the answer was '" + (answer == null ? "" : answer.strip())
                    + "' (y or yes sends it)");
        }
    }

    /**
     * How a run ended: the result table (for {@code --background}, the table that fills), the engine's
     * result (null for {@code --background}), the schema of structured answers (or null), and whether
     * an interrupt stopped it, with the line that says what was kept.
     */
    record Outcome(Table table, FanOutResult<FanOutJob.Row, FanOutJob.Answer> result, OutputSchema schema,
                   boolean interrupted, String interruptedText) {
    }

    /** Fan-outs this JVM has started (the warm-up's own included): {@link FanOutWarmUp} stops once a user's ran. */
    static final java.util.concurrent.atomic.AtomicInteger EXECUTED = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Runs the fan-out through one {@link FanOutJob}. {@code notebook} may be null (no display, no
     * binding); {@code bind} false skips binding. {@code schema}, when not null, wins over the call's
     * {@code --schema}. The result table is bound before the run waits, so
     * it fills in place; an interrupt of the waiting thread cancels the requests in flight and keeps
     * every finished row (the caller decides how the cell ends; the interrupt flag is cleared).
     */
    Outcome execute(Call c, Inputs inputs, String body, Notebook notebook, String label, boolean bind,
                    OutputSchema schema) {
        EXECUTED.incrementAndGet();
        Grid grid = grid(c, body, notebook);
        List<List<String>> byTemplate = new ArrayList<>();
        for (String t : grid.templates()) {
            byTemplate.add(prompts(c, inputs, t, c.over()));
        }
        if (schema == null && c.schema() != null) {
            schema = SchemaArg.resolve(c.schema(), notebook, c.options());
        }
        ChatClient client = ClientMagic.require(session, bind ? notebook : null);
        Session.Defaults defaults = session.defaults();
        PromptMagic.Call promptCall = new PromptMagic.Call(c.options(), c.model(), c.system(), c.maxTokens(),
                c.temperature(), null, false, null, false, false);
        String model = promptCall.model(client, session);
        ChatRequest template = promptCall.request("-", client, session).toBuilder().model(model).build();
        if (c.background() && session.background() != null && !session.background().done()) {
            throw c.options().fail("a background fan-out is still running (%fanout status, %fanout cancel)");
        }
        List<FanOutJob.Row> rows = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        List<String> models = new ArrayList<>();
        int n = inputs.rows().size();
        for (int i = 0; i < n; i++) {
            for (Grid.Variant v : grid.isGrid() ? grid.variants() : List.<Grid.Variant>of()) {
                String p = byTemplate.get(v.template()).get(i);
                rows.add(new FanOutJob.Row(rows.size(), p, v));
                prompts.add(p);
            }
            if (!grid.isGrid()) {
                String p = byTemplate.get(0).get(i);
                rows.add(new FanOutJob.Row(i, p));
                prompts.add(p);
            }
        }
        if (grid.models().isEmpty()) {
            models.add(model);
        } else {
            models.addAll(grid.models());
        }
        Map<String, Preflight.Price> prices = new java.util.LinkedHashMap<>();
        try {
            for (String m : models) {
                prices.put(m, Preflight.price(m, c.price(), session.getenv("CHORUS_PRICES")));
            }
        } catch (IllegalArgumentException e) {
            throw c.options().fail(e.getMessage());
        }
        for (String m : models) {
            if (c.maxCost() != null && prices.get(m) == null) {
                throw c.options().fail("--max-cost needs a price for " + m + ": --price in=…,out=… or CHORUS_PRICES");
            }
        }
        Preflight.Price price = models.size() == 1 ? prices.get(model) : null;
        // A first fan-out (Run All gives the session's warm-up no quiet moment) starts Tablesaw for its
        // result table on another thread while this one loads the pre-flight's tokenizer: 0.2-0.3 s each
        // of a cold JVM, at once instead of one after the other. The embedded sandbox gets no pre-flight.
        TablesawStartup.startInBackground();
        if (!toEmbeddedSandbox(client)) {
            Preflight.encoding(model);
        }
        FanOutJob.Settings settings = new FanOutJob.Settings(
                c.concurrency() != null ? c.concurrency() : defaults.concurrencyOr16(),
                c.rps() != null ? c.rps() : defaults.rps(),
                c.retries() != null ? c.retries() : defaults.retries() != null ? defaults.retries() : 2,
                c.timeout() != null ? c.timeout() : defaults.timeout(),
                c.deadline(), c.checkpoint(), ResponseCache.forCall(session, c.options(), c.noCache(), c.refresh(), notebook),
                c.refresh(), m -> prices.get(m == null ? model : m), c.maxCost());
        ResultTable results = grid.isGrid()
                ? new ResultTable(c.out(), inputs.repeat(grid.variants().size()), prompts, schema,
                        gridColumns(grid, rows, model))
                : new ResultTable(c.out(), inputs, prompts, schema);
        if (c.retryFailed() && !c.batch()) {
            throw c.options().fail("--retry-failed resubmits a --batch run's failed rows (a realtime run retries with --retries)");
        }
        if (c.batch()) {
            return batch(c, client, template, model, rows, results, settings.cache(), notebook, bind, prices);
        }
        FanOutDisplay display = notebook == null ? null : new FanOutDisplay(notebook, label, rows.size());
        FanOutHandle<FanOutJob.Row, FanOutJob.Answer> handle;
        FanOutJob job;
        try {
            job = new FanOutJob(client, template, rows, results, settings, display);
        } catch (RuntimeException e) {
            throw c.options().failed(e.getMessage());
        }
        preflight(c, client, job.uncachedRows(), job.requests(), model, job.cachedRows(), results,
                display == null ? null : display::say, notebook, prices);
        if (display != null) {
            display.open();
        }
        try {
            handle = job.start();
        } catch (RuntimeException e) {
            throw c.options().failed(e.getMessage());
        }
        boolean bound = bind && notebook != null;
        if (bound) {
            // While the first requests are in flight: the table is the notebook's from now on.
            try {
                notebook.bind(c.out(), "tech.tablesaw.api.Table", results.table());
            } catch (RuntimeException e) {
                handle.close();
                throw c.options().failed(e.getMessage());
            }
        }
        String variable = bound ? c.out() : null;

        if (c.background()) {
            BackgroundFanOut bg = new BackgroundFanOut(handle, results, c.out(), label, job);
            session.background(bg);
            String note = "chorus-fanout-background-" + java.util.UUID.randomUUID();
            if (notebook != null) {
                notebook.display(Displays.withId(Displays.text("running in the background: " + c.out()
                        + " fills as rows finish; %fanout status shows progress, %fanout cancel stops it"), note));
            }
            handle.completion().whenComplete((r, e) -> {
                job.flush();
                if (r != null && display != null) {
                    // In place: the cell that started the run shows how it ended, whichever cell runs now.
                    display.replace(status(bg));
                    notebook.update(note, Timeline.of(bg.table()).display());
                }
            });
            return new Outcome(results.table(), null, schema, false, null);
        }

        FanOutResult<FanOutJob.Row, FanOutJob.Answer> result = handle.await();
        boolean interrupted = Thread.interrupted() || result.cancelled();
        job.flush();
        if (display != null) {
            display.finish(result, handle.progress(), results, variable, c.checkpoint(), job.fellBack(), price,
                    job.stoppedBy());
        }
        if (display != null && grid.isGrid()) {
            display.variants(VariantSummary.of(result, grid, m -> prices.get(m == null ? model : m)));
        }
        String stopped = job.stoppedBy();
        return new Outcome(results.table(), result, schema, interrupted,
                !interrupted ? null : stopped != null ? FanOutDisplay.stopped(stopped, result, variable)
                        : FanOutDisplay.interrupted(result, variable));
    }

    /**
     * {@code --batch}: the rows go to the provider's Batch API through a {@link BatchJob}; the
     * table is bound before the batches are polled and fills as each ends. An interrupt detaches.
     */
    private Outcome batch(Call c, ChatClient client, ChatRequest template, String model, List<FanOutJob.Row> rows,
                          ResultTable results, ResponseCache cache, Notebook notebook, boolean bind,
                          Map<String, Preflight.Price> prices) {
        List<String> unused = new ArrayList<>();
        if (c.background()) {
            unused.add("--background");
        }
        for (String name : List.of("concurrency", "rps", "retries", "timeout", "deadline", "max-cost")) {
            if (c.options().has(name)) {
                unused.add("--" + name);
            }
        }
        if (!unused.isEmpty()) {
            throw c.options().fail(String.join(", ", unused) + (unused.size() == 1 ? " does" : " do")
                    + " not apply to --batch (the provider runs the batch at its own pace)");
        }
        RowRequests requests = new RowRequests(client.baseUrl(), template, rows, results.schema(), cache, c.refresh());
        Path state = c.checkpoint() != null ? c.checkpoint()
                : BatchJob.defaultState(ResponseCache.defaultDir(session::getenv), client.baseUrl(), rows, requests,
                        results.schema(), model);
        BatchDisplay display = notebook == null ? null : new BatchDisplay(notebook, "%%fanout --batch");
        BatchJob job = new BatchJob(client, rows, requests, results, cache, state, model, display)
                .retryFailed(c.retryFailed());
        BatchJob.State attached;
        try {
            attached = job.attached();
            if (attached != null && !attached.complete()) {
                // An earlier run stopped mid-submission: what it had not submitted goes through the guard too.
                attached = job.resume(attached);
            }
            if (attached == null || !attached.rest().isEmpty()) {
                List<FanOutJob.Row> uncached = job.uncached();
                Map<String, Preflight.Price> batchPrices = new java.util.LinkedHashMap<>();
                prices.forEach((m, p) -> batchPrices.put(m, p == null ? null : p.batch()));
                preflight(c, client, attached == null ? uncached : attached.rest(), requests, model,
                        rows.size() - uncached.size(), results, display == null ? null : display::say, notebook,
                        batchPrices);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException | dev.chorus.client.ChorusException e) {
            throw c.options().failed(e.getMessage());
        }
        if (bind && notebook != null) {
            notebook.bind(c.out(), "tech.tablesaw.api.Table", results.table());
        }
        session.batchState(state);
        BatchJob.Outcome outcome;
        try {
            outcome = job.run(attached);
        } catch (java.io.IOException | java.io.UncheckedIOException | dev.chorus.client.ChorusException e) {
            throw c.options().failed(e.getMessage());
        } finally {
            if (cache != null) {
                cache.flush();
            }
        }
        if (outcome.detached()) {
            return new Outcome(results.table(), null, results.schema(), true, "detached: " + outcome.batches().size()
                    + (outcome.batches().size() == 1 ? " batch keeps" : " batches keep") + " running on the server; run"
                    + " this cell again to re-attach, or %fanout cancel to cancel "
                    + (outcome.batches().size() == 1 ? "it" : "them"));
        }
        if (display != null) {
            display.say(BatchDisplay.summary(results.table()));
        }
        return new Outcome(results.table(), null, results.schema(), false, null);
    }

    /** {@code %fanout cancel} after a {@code --batch} run: asks the provider to cancel its batches. */
    private DisplayData cancelBatches(Options o, Path state) {
        ChatClient client = ClientMagic.require(session, null);
        try {
            List<dev.chorus.client.Batch> batches = BatchJob.cancel(client, state);
            StringBuilder s = new StringBuilder("asked the provider to cancel " + batches.size()
                    + (batches.size() == 1 ? " batch: " : " batches: "));
            for (int i = 0; i < batches.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(batches.get(i).id()).append(' ').append(batches.get(i).status());
            }
            return Displays.text(s.append("; run the cell again to collect what they finished").toString());
        } catch (java.io.IOException | java.io.UncheckedIOException | dev.chorus.client.ChorusException e) {
            throw o.failed("could not cancel the batches of " + state.getFileName() + ": " + e.getMessage());
        }
    }

    /**
     * The requests of {@code rows} grouped by model, each group a view that builds a row's request
     * when it is read: a million rows are counted without a million requests held at once.
     */
    static Map<String, List<ChatRequest>> byModel(List<FanOutJob.Row> rows, RowRequests requests, String model) {
        Map<String, List<FanOutJob.Row>> groups = new java.util.LinkedHashMap<>();
        for (FanOutJob.Row row : rows) {
            String m = row.variant() == null || row.variant().model() == null ? model : row.variant().model();
            groups.computeIfAbsent(m, k -> new ArrayList<>()).add(row);
        }
        Map<String, List<ChatRequest>> out = new java.util.LinkedHashMap<>();
        groups.forEach((m, group) -> out.put(m, new java.util.AbstractList<>() {
            @Override
            public ChatRequest get(int i) {
                return requests.request(group.get(i));
            }

            @Override
            public int size() {
                return group.size();
            }
        }));
        return out;
    }
}
