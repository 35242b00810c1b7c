package dev.chorus.kernel.magic;

import dev.chorus.kernel.ChorusKernel;
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
public final class LoadMagic implements LineMagic<Object, ChorusKernel> {

    public static final String USAGE = """
            %load FILE
              Runs the Java/JShell code of FILE (e.g. setup.jsh) as if it were this cell.""";

    public String usage() {
        return USAGE;
    }

    @Override
    public Object eval(ChorusKernel kernel, List<String> args) throws IOException {
        if (args.size() != 1) {
            throw new MagicArgsParseException(args.isEmpty() ? "missing FILE" : "expected one FILE, got " + args.size());
        }
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file '" + args.get(0) + "'");
        }
        return kernel.evalRaw(Files.readString(file));
    }
}
