package dev.chorus.client.structured;

import java.util.List;

/**
 * One top-level field of a structured answer, as a result table shows it: a name, the kind of
 * column that holds it, and for an enum its constants.
 *
 * @param name      the JSON property name ({@code value} for a wrapped enum, scalar or list)
 * @param kind      the kind of column
 * @param constants the allowed values of an enum field, else empty
 */
public record Field(String name, Kind kind, List<String> constants) {
    public Field {
        constants = List.copyOf(constants);
    }

    /** How a field's values are held in a table column. */
    public enum Kind {
        /** Text, including enum constants. */
        STRING,
        /** A Java {@code int} (or short, byte). */
        INT,
        /** Any other JSON integer. */
        LONG,
        /** A JSON number. */
        DOUBLE,
        BOOLEAN,
        /** A string with {@code format: date}, e.g. a {@code LocalDate}. */
        DATE,
        /** A nested object or a list, kept as its JSON text. */
        JSON
    }
}
