package dev.chorus.magics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.client.structured.Field;
import dev.chorus.client.structured.OutputSchema;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DateColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.columns.Column;

/**
 * The typed columns of structured answers: one Tablesaw column per top-level field of the schema
 * (text → string, int → int, other integers → long, numbers → double, booleans → boolean,
 * dates → date, enums → string, nested objects and lists → their JSON text). A field whose name
 * is taken by a result column is called {@code field_NAME}.
 *
 * <p>Not thread-safe: the owner synchronizes (as {@link ResultTable} does). Never fails on data: a
 * value that does not fit its column is left missing.
 */
final class TypedColumns {
    static final String PREFIX = "field_";

    private final OutputSchema schema;
    private final List<Field> fields;
    private final List<Column<?>> columns = new ArrayList<>();

    /** Columns of {@code rows} missing values; {@code taken}: names the fields must not use, in lower case. */
    TypedColumns(OutputSchema schema, int rows, Set<String> taken) {
        this.schema = schema;
        this.fields = schema.fields();
        for (Field f : fields) {
            String name = taken.contains(f.name().toLowerCase(java.util.Locale.ROOT)) ? PREFIX + f.name() : f.name();
            Column<?> c = switch (f.kind()) {
                case STRING, JSON -> StringColumn.create(name, rows);
                case INT -> IntColumn.create(name, rows);
                case LONG -> LongColumn.create(name, rows);
                case DOUBLE -> DoubleColumn.create(name, rows);
                case BOOLEAN -> BooleanColumn.create(name, rows);
                case DATE -> DateColumn.create(name, rows);
            };
            for (int i = 0; i < rows; i++) {
                c.setMissing(i);
            }
            columns.add(c);
        }
    }

    /** The field names of {@code schema}, as they are before any prefix. */
    static List<String> names(OutputSchema schema) {
        return schema.fields().stream().map(Field::name).toList();
    }

    List<Column<?>> columns() {
        return columns;
    }

    /** Writes the checked answer {@code json} (unwrapped, as {@link OutputSchema#check} returns it) into row {@code i}. */
    void set(int i, JsonNode json) {
        for (int k = 0; k < fields.size(); k++) {
            JsonNode v = schema.wrapped() ? json : json == null ? null : json.get(fields.get(k).name());
            if (v == null || v.isNull() || v.isMissingNode()) {
                continue;
            }
            Column<?> c = columns.get(k);
            switch (fields.get(k).kind()) {
                case STRING -> ((StringColumn) c).set(i, v.isTextual() ? v.asText() : v.toString());
                case JSON -> ((StringColumn) c).set(i, OutputSchema.text(v));
                case INT -> {
                    if (v.canConvertToInt()) {
                        ((IntColumn) c).set(i, v.asInt());
                    }
                }
                case LONG -> {
                    if (v.canConvertToLong()) {
                        ((LongColumn) c).set(i, v.asLong());
                    }
                }
                case DOUBLE -> ((DoubleColumn) c).set(i, v.asDouble());
                case BOOLEAN -> ((BooleanColumn) c).set(i, v.asBoolean());
                case DATE -> {
                    try {
                        ((DateColumn) c).set(i, LocalDate.parse(v.asText()));
                    } catch (DateTimeParseException e) {
                        // left missing; the validator asserts the format, so only a lax schema gets here
                    }
                }
            }
        }
    }
}
