package dev.chorus.magics;

import dev.chorus.client.InvalidAnswerException;
import dev.chorus.client.fanout.ItemResult;
import dev.chorus.client.fanout.ItemStatus;
import dev.chorus.client.structured.OutputSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The result table of a fan-out, created with one row per input (status {@code pending}) and
 * filled in place as items end (the engine pushes each one to {@link #fill}): the input columns,
 * then prompt, answer, status, error, cached, latency_ms, attempts, prompt_tokens, completion_tokens,
 * start_ms, end_ms. A cached row sent nothing: its answer came from the response cache, with the
 * latency and tokens of the request that produced it, or, at temperature 0, from another row of
 * the run with the identical request (its latency is then its wait, its tokens 0). With a schema, {@code answer} gives way to one typed column per field of the
 * schema ({@link TypedColumns}), and {@code raw} (the text as received) follows {@code error}; an
 * invalid answer's row has status {@code invalid}, the validator's message and the raw text.
 *
 * <p>An input column whose name a result column or a schema field takes is called
 * {@code input_NAME}.
 *
 * <p>Thread-safe: {@link #fill} synchronizes on the table, so engine threads fill it while the
 * notebook reads it. Never fails on data: a value that does not fit is shown as text.
 */
final class ResultTable {
    static final List<String> RESULT_COLUMNS = List.of("prompt", "answer", "status", "error", "raw", "cached", "latency_ms",
            "attempts", "prompt_tokens", "completion_tokens", "start_ms", "end_ms");

    private final Table table;
    private final boolean[] filled;
    private final OutputSchema schema;
    private final TypedColumns typed;
    private final StringColumn raw;
    private final StringColumn answer;
    private final StringColumn status;
    private final StringColumn error;
    private final BooleanColumn cached;
    private final LongColumn latency;
    private final IntColumn attempts;
    private final LongColumn promptTokens;
    private final LongColumn completionTokens;
    private final LongColumn start;
    private final LongColumn end;

    ResultTable(String name, Inputs inputs, List<String> prompts) {
        this(name, inputs, prompts, null);
    }

    /** @param schema the shape of structured answers, or null for text answers */
    ResultTable(String name, Inputs inputs, List<String> prompts, OutputSchema schema) {
        this(name, inputs, prompts, schema, List.of());
    }

    /**
     * @param schema the shape of structured answers, or null for text answers
     * @param extra  columns that follow the input columns (a grid's input, model, parameters, variant)
     */
    ResultTable(String name, Inputs inputs, List<String> prompts, OutputSchema schema, List<Column<?>> extra) {
        int n = prompts.size();
        TablesawStartup.ensure();
        this.schema = schema;
        table = Table.create(name);
        // Tablesaw refuses two columns whose names differ only in case: names are compared that way.
        Set<String> reserved = new HashSet<>();
        RESULT_COLUMNS.forEach(c -> reserved.add(c.toLowerCase(Locale.ROOT)));
        extra.forEach(c -> reserved.add(c.name().toLowerCase(Locale.ROOT)));
        Set<String> taken = Set.copyOf(reserved);
        if (schema != null) {
            TypedColumns.names(schema).forEach(f -> reserved.add(f.toLowerCase(Locale.ROOT)));
        }
        if (inputs.source() != null) {
            for (Column<?> c : inputs.source().columns()) {
                Column<?> copy = c.copy();
                copy.setName(reserved.contains(c.name().toLowerCase(Locale.ROOT)) ? "input_" + c.name() : c.name());
                table.addColumns(copy);
            }
        } else {
            for (String col : inputs.columns()) {
                StringColumn c = StringColumn.create(reserved.contains(col.toLowerCase(Locale.ROOT)) ? "input_" + col : col);
                for (Map<String, Object> row : inputs.rows()) {
                    Object v = row.get(col);
                    if (v == null) {
                        c.appendMissing();
                    } else {
                        c.append(String.valueOf(v));
                    }
                }
                table.addColumns(c);
            }
        }
        extra.forEach(table::addColumns);
        table.addColumns(StringColumn.create("prompt", prompts));
        typed = schema == null ? null : new TypedColumns(schema, n, taken);
        raw = schema == null ? null : StringColumn.create("raw", n);
        answer = schema == null ? StringColumn.create("answer", n) : null;
        status = StringColumn.create("status", n);
        for (int i = 0; i < n; i++) {
            status.set(i, "pending");
        }
        error = StringColumn.create("error", n);
        cached = BooleanColumn.create("cached", n);
        latency = LongColumn.create("latency_ms", n);
        attempts = IntColumn.create("attempts", n);
        promptTokens = LongColumn.create("prompt_tokens", n);
        completionTokens = LongColumn.create("completion_tokens", n);
        start = LongColumn.create("start_ms", n);
        end = LongColumn.create("end_ms", n);
        for (int i = 0; i < n; i++) {
            cached.setMissing(i);
            latency.setMissing(i);
            attempts.setMissing(i);
            promptTokens.setMissing(i);
            completionTokens.setMissing(i);
            start.setMissing(i);
            end.setMissing(i);
        }
        if (typed == null) {
            table.addColumns(answer, status, error, cached);
        } else {
            typed.columns().forEach(table::addColumns);
            table.addColumns(status, error, raw, cached);
        }
        table.addColumns(latency, attempts, promptTokens, completionTokens, start, end);
        filled = new boolean[n];
    }

    Table table() {
        return table;
    }

    /** The schema of structured answers, or null. */
    OutputSchema schema() {
        return schema;
    }

    /**
     * An error as a row shows it: without the call every row made ({@code POST /v1/chat/completions
     * failed: }), which says nothing about this row.
     */
    static String brief(String message) {
        return message == null ? null : message.replaceFirst("^[A-Z]+ /\\S* failed: ", "");
    }

    /** Lets the row be written again (a batch's later line for a row that failed). */
    void reopen(int index) {
        synchronized (table) {
            filled[index] = false;
            status.set(index, "pending");
            error.set(index, "");
            if (raw != null) {
                raw.setMissing(index);
            }
        }
    }

    /** Whether the row was written. */
    boolean filled(int index) {
        synchronized (table) {
            return filled[index];
        }
    }

    /**
     * Writes a row that never ran with a status of its own ({@code expired}, {@code cancelled}: a
     * batch's lines its provider did not run) and why, unless it was written already.
     */
    void end(int index, String status, String why) {
        synchronized (table) {
            if (filled[index]) {
                return;
            }
            filled[index] = true;
            this.status.set(index, status);
            error.set(index, why == null ? "" : why);
            cached.set(index, false);
        }
    }

    /** Writes the row of {@code r} unless it was written already. */
    void fill(ItemResult<?, FanOutJob.Answer> r) {
        synchronized (table) {
            int i = r.index();
            if (filled[i]) {
                return;
            }
            filled[i] = true;
            FanOutJob.Answer a = r.value();
            if (a != null && typed == null) {
                answer.set(i, a.text());
            } else if (a != null) {
                typed.set(i, a.json());
                raw.set(i, a.text());
            }
            status.set(i, r.status().name().toLowerCase(Locale.ROOT));
            cached.set(i, r.cached() || a != null && a.shared());
            if (r.error() != null && r.status() == ItemStatus.INVALID
                    && r.error().exception() instanceof InvalidAnswerException invalid) {
                error.set(i, invalid.problem());
                if (raw != null) {
                    raw.set(i, invalid.raw());
                }
            } else if (r.error() != null) {
                error.set(i, brief(r.error().message()));
            }
            if (r.cached()) {
                // Sent nothing now: the latency of the request that produced the answer.
                latency.set(i, r.latency().toMillis());
            }
            if (r.start() != null) {
                latency.set(i, r.latency().toMillis());
                start.set(i, r.start().toMillis());
                end.set(i, r.end() == null ? r.start().toMillis() : r.end().toMillis());
            }
            attempts.set(i, r.attempts());
            promptTokens.set(i, r.promptTokens());
            completionTokens.set(i, r.completionTokens());
        }
    }

}
