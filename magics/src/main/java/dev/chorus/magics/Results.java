package dev.chorus.magics;

import java.util.List;
import tech.tablesaw.api.Table;

/**
 * What {@link Chorus#fanout(String, Object, Class, String)} returns: the result table (typed
 * columns, status, error, raw, timings; one row per input) and the values of the rows whose
 * answer was valid, in input order.
 *
 * @param table  the result table, as {@code %%fanout --schema} binds it
 * @param values the valid answers read as the requested type, in input order (invalid and failed
 *               rows are in the table only)
 */
public record Results<R>(Table table, List<R> values) {
    public Results {
        values = List.copyOf(values);
    }
}
