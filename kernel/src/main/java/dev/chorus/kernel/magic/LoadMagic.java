package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.Described;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code %load FILE.jsh}: evaluates a file's code as if it were the cell; returns the value of its last
 * expression.
 *
 * <p>Runs on the cell thread. A missing or unreadable file is a bad argument; a failure of the loaded
 * code fails the cell with that code's error.
 */
public final class LoadMagic implements LineMagic<Object, BaseKernel>, Described {
    private final MagicHost host;

    public LoadMagic(MagicHost host) {
        this.host = host;
    }

    public static final String USAGE = """
            %load FILE
              Runs the Java/JShell code of FILE (e.g. setup.jsh) as if it were this cell.""";

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Object eval(BaseKernel kernel, List<String> args) throws IOException {
        if (args.size() != 1) {
            throw new MagicArgsParseException(args.isEmpty() ? "missing FILE" : "expected one FILE, got " + args.size());
        }
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file '" + args.get(0) + "'");
        }
        return host.evalRaw(Files.readString(file));
    }
}
