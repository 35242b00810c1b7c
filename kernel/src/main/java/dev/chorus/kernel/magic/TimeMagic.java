package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.Described;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;

import java.util.List;
import java.util.Locale;

/**
 * {@code %time STATEMENT} and {@code %%time}: runs notebook code, prints its wall time and returns its
 * value (so it is still shown).
 *
 * <p>Runs on the cell thread; a failure of the timed code fails the cell with that code's error (the time
 * is printed anyway).
 */
public final class TimeMagic implements LineMagic<Object, BaseKernel>, Described {
    private final MagicHost host;

    public TimeMagic(MagicHost host) {
        this.host = host;
    }

    public static final String USAGE = """
            %time STATEMENT   or   %%time on the first line of a cell
              Runs the statement (or the rest of the cell), prints its wall time and shows its value.""";

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) {
        String code = host.currentMagic().map(MagicLine::rest).orElse(String.join(" ", args));
        if (code.isBlank()) {
            throw new MagicArgsParseException("missing STATEMENT");
        }
        return timed(host, code);
    }

    /** The cell form, {@code %%time}. */
    public CellMagic<Object, BaseKernel> cell() {
        return new Cell(host);
    }

    private static Object timed(MagicHost host, String code) {
        long start = System.nanoTime();
        try {
            return host.evalRaw(code);
        } finally {
            System.out.println("Wall time: " + format(System.nanoTime() - start));
        }
    }

    static String format(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** {@code %%time}: times the cell's body. */
    public static final class Cell implements CellMagic<Object, BaseKernel>, Described {
        private final MagicHost host;

        Cell(MagicHost host) {
            this.host = host;
        }

        @Override
        public String usage() {
            return USAGE;
        }

        @Override
        public Object eval(BaseKernel kernel, List<String> args, String body) {
            if (!args.isEmpty()) {
                throw new MagicArgsParseException("%%%%time takes no arguments, got '%s'", String.join(" ", args));
            }
            return timed(host, body);
        }
    }
}
