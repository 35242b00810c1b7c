package dev.chorus.magics;

import dev.chorus.client.ChatClient;
import dev.chorus.client.ChatCompletion;
import dev.chorus.client.ChorusException;
import dev.chorus.client.fanout.ItemResult;
import dev.chorus.client.structured.OutputSchema;
import dev.chorus.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import tech.tablesaw.api.Table;

/**
 * The Java API twins of the Chorus magics, for code cells: the same options (as one string, split
 * like a magic line) and the same session (client, sandbox), but values are returned instead of
 * bound to notebook variables.
 *
 * <pre>{@code
 * ChatClient c = Chorus.client();                                    // like %client
 * String a = Chorus.prompt("Name 3 primes", "--max-tokens 20");     // like %%prompt
 * Table t = Chorus.fanout("Summarize: {text}", rows, "--concurrency 16");
 * }</pre>
 *
 * <p>Thread-safe: the session synchronizes. The twins return values and display nothing; with
 * {@code --progress} a fan-out shows its pre-flight line, live progress, summary and chart in the
 * current cell, as {@code %%fanout} does. Failures are {@link MagicException}s with the same
 * one-line text as the magics.
 */
public final class Chorus {
    private Chorus() {
    }

    /** The session's client, created like {@code %client} with no options when there is none. */
    public static ChatClient client() {
        return ClientMagic.require(Session.SHARED, null);
    }

    /** Creates (or replaces and closes) the session's client, like {@code %client OPTIONS}. */
    public static ChatClient client(String options) {
        Options o = ClientMagic.SCHEMA.parse(OptionSchema.split(options), Session.SHARED::getenv);
        return ClientMagic.configure(o, Session.SHARED);
    }

    /** The session's client setup with secrets masked, as {@code %client} shows it. */
    public static String describe() {
        return ClientMagic.describe(Session.SHARED);
    }

    /** The answer to {@code prompt}, like {@code %%prompt --no-stream} (no {@code {name}} filling). */
    public static String prompt(String prompt) {
        return prompt(prompt, "");
    }

    /** The answer to {@code prompt} with {@code %%prompt} options ({@code --out} is ignored). */
    public static String prompt(String prompt, String options) {
        PromptMagic.Call call = PromptMagic.Call.parse(OptionSchema.split(options), Session.SHARED);
        if (prompt == null || prompt.isBlank()) {
            throw call.options().fail("the prompt is empty");
        }
        ChatClient client = ClientMagic.require(Session.SHARED, null);
        try {
            ChatCompletion c = client.chat().completions().create(call.request(prompt, client, Session.SHARED));
            return c.content();
        } catch (ChorusException e) {
            throw call.options().failed(e.getMessage());
        }
    }

    /**
     * One request per prompt, like {@code %%fanout} with one prompt per line; returns the result table.
     * An interrupt returns the table with the finished rows and leaves the thread interrupted.
     */
    public static Table fanout(List<String> prompts, String options) {
        FanOutMagic.Call call = FanOutMagic.Call.parse(OptionSchema.split(options), Session.SHARED);
        if (call.over() != null) {
            throw call.options().fail("--over names a notebook variable; pass the rows to Chorus.fanout(template, rows, options)");
        }
        if (prompts.isEmpty()) {
            throw call.options().fail("no prompts");
        }
        Inputs inputs = Inputs.lines(String.join("\n", prompts.stream().map(p -> p.replace('\n', ' ')).toList()));
        return run(call, inputs, null, null).table();
    }

    /**
     * One request per row of {@code over} (a Tablesaw table, a {@code List<Map>} or a
     * {@code List<String>} read as {@code {it}}) with {@code template} filled from the row, like
     * {@code %%fanout --over}; returns the result table (with {@code --background}, the table that fills).
     */
    public static Table fanout(String template, Object over, String options) {
        FanOutMagic.Call parsed = FanOutMagic.Call.parse(OptionSchema.split(options), Session.SHARED);
        Inputs inputs;
        try {
            inputs = Inputs.of(over, "the rows argument");
        } catch (IllegalArgumentException e) {
            throw parsed.options().fail(e.getMessage());
        }
        FanOutMagic.Call call = new FanOutMagic.Call(parsed.options(), "the rows", parsed.schema(), parsed.models(),
                parsed.vary(), parsed.prompts(), parsed.concurrency(),
                parsed.rps(), parsed.retries(), parsed.timeout(), parsed.deadline(), parsed.model(), parsed.system(),
                parsed.maxTokens(), parsed.temperature(), parsed.out(), parsed.checkpoint(), parsed.background(),
                parsed.noCache(), parsed.refresh(), parsed.price(), parsed.yes(),
                parsed.maxCost(), parsed.batch(), parsed.retryFailed());
        return run(call, inputs, template, null).table();
    }

    /**
     * Like {@link #fanout(String, Object, String)} with answers shaped as {@code type} (a record, class
     * or enum), as {@code %%fanout --schema}: returns the table with one typed column per field and
     * the valid answers as {@code type} values. {@code --background} is refused here: the values are
     * known only at the end.
     */
    public static <R> Results<R> fanout(String template, Object over, Class<R> type, String options) {
        FanOutMagic.Call parsed = FanOutMagic.Call.parse(OptionSchema.split(options), Session.SHARED);
        if (parsed.background()) {
            throw parsed.options().fail("--background: the values come at the end; use %%fanout --background"
                    + " --schema, or Chorus.fanout(template, rows, options) for the table alone");
        }
        if (parsed.schema() != null) {
            throw parsed.options().fail("--schema: the type argument is the schema here");
        }

        Inputs inputs;
        try {
            inputs = Inputs.of(over, "the rows argument");
        } catch (IllegalArgumentException e) {
            throw parsed.options().fail(e.getMessage());
        }
        FanOutMagic.Call call = new FanOutMagic.Call(parsed.options(), "the rows", null, parsed.models(),
                parsed.vary(), parsed.prompts(), parsed.concurrency(),
                parsed.rps(), parsed.retries(), parsed.timeout(), parsed.deadline(), parsed.model(), parsed.system(),
                parsed.maxTokens(), parsed.temperature(), parsed.out(), parsed.checkpoint(), false,
                parsed.noCache(), parsed.refresh(), parsed.price(), parsed.yes(),
                parsed.maxCost(), parsed.batch(), parsed.retryFailed());
        OutputSchema schema = SchemaArg.of(type, parsed.options());
        FanOutMagic.Outcome outcome = run(call, inputs, template, schema);
        List<R> values = new ArrayList<>();
        if (outcome.result() == null) {
            // A --batch run: the valid answers are the raw text of its ok rows.
            tech.tablesaw.api.StringColumn status = outcome.table().stringColumn("status");
            tech.tablesaw.api.StringColumn raw = outcome.table().stringColumn("raw");
            for (int i = 0; i < outcome.table().rowCount(); i++) {
                if (status.get(i).equals("ok")) {
                    read(schema, schema.check(raw.get(i), null), type, values);
                }
            }
        } else {
            for (ItemResult<FanOutJob.Row, FanOutJob.Answer> item : outcome.result().items()) {
                if (item.ok() && item.value() != null) {
                    read(schema, item.value().json(), type, values);
                }
            }
        }
        return new Results<>(outcome.table(), values);
    }

    /** The display of {@code table} with {@code %table} options (limit, columns, sort, where, export). */
    public static DisplayData table(Table table, String options) {
        Options o = TableMagic.SCHEMA.parse(OptionSchema.split(options), Session.SHARED::getenv);
        return TableMagic.show(o, table);
    }

    /** The timeline chart of a fan-out result table. */
    public static Timeline timeline(Table results) {
        return Timeline.of(results);
    }

    /** The session's sandbox, started with the default behaviour if it is not running. */
    public static Sandbox sandbox() {
        return ClientMagic.ensureSandbox(Session.SHARED);
    }

    /** Starts the sandbox (or changes its behaviour) with {@code %sandbox start} options. */
    public static Sandbox sandbox(String options) {
        Options o = SandboxMagic.SCHEMA.parse(OptionSchema.split(options), Session.SHARED::getenv);
        return SandboxMagic.start(o, Session.SHARED);
    }

    /**
     * Replaces the environment that {@code %client} and {@code $NAME} values read (the process
     * environment by default): for tests and for demos that must not see the real one.
     */
    public static void environment(Map<String, String> env) {
        Session.SHARED.env(env);
    }

    /** Closes the session's client, background fan-out and sandbox. */
    public static void reset() {
        Session.SHARED.close();
    }

    /**
     * Runs through the same job as {@code %%fanout}. An interrupt of the calling thread keeps the
     * finished rows, returns the table and leaves the thread interrupted, so a notebook cell still
     * ends as interrupted.
     */
    private static FanOutMagic.Outcome run(FanOutMagic.Call call, Inputs inputs, String template, OutputSchema schema) {
        FanOutMagic.Outcome outcome = new FanOutMagic(Session.SHARED)
                .execute(call, inputs, template, call.options().flag("progress") ? displays() : null, "Chorus.fanout",
                        false, schema);
        if (outcome.interrupted()) {
            Thread.currentThread().interrupt();
        }
        return outcome;
    }

    /** Displays only ({@code --progress}): code cells get live progress but no variable binding. */
    private static Notebook displays() {
        KernelNotebook kernel = KernelNotebook.current();
        if (kernel == null) {
            return null;
        }
        return new Notebook() {
            @Override
            public Object read(String name) {
                throw new IllegalArgumentException("not available from code");
            }

            @Override
            public void bind(String name, String type, Object value) {
                // the Java API returns values instead
            }

            @Override
            public void display(DisplayData data) {
                kernel.display(data);
            }

            @Override
            public void update(String id, DisplayData data) {
                kernel.update(id, data);
            }

            @Override
            public DisplayData render(Object value) {
                return kernel.render(value);
            }
        };
    }

    private static <R> void read(OutputSchema schema, com.fasterxml.jackson.databind.JsonNode json, Class<R> type,
                                 List<R> values) {
        try {
            values.add(schema.read(json, type));
        } catch (IllegalArgumentException unreadable) {
            // valid JSON Jackson cannot build the type from: the row is in the table only
        }
    }
}
