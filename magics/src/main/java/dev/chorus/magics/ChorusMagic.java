package dev.chorus.magics;

import dev.chorus.magics.spi.Described;
import java.util.List;

/**
 * What every Chorus magic has: the session it acts on, and its option schema, which gives the
 * usage text ({@code %help}, inspection, a bad argument) and the options completion offers.
 */
abstract class ChorusMagic implements Described {
    protected final Session session;
    private final OptionSchema schema;

    ChorusMagic(Session session, OptionSchema schema) {
        this.session = session;
        this.schema = schema;
    }

    /** The usage text, shown by {@code %help}, inspection and a bad argument. */
    @Override
    public String usage() {
        return schema.usage();
    }

    /** The options, offered by completion. */
    @Override
    public List<String> options() {
        return schema.optionNames();
    }
}
