package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.Described;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

import java.util.List;

/**
 * {@code %help}: prints every registered magic with its usage, including magics that extensions register
 * after the kernel started (a magic that describes itself, {@link dev.chorus.magics.spi.Described}).
 */
public final class HelpMagic implements LineMagic<Void, BaseKernel>, Described {
    private final MagicHost host;

    public HelpMagic(MagicHost host) {
        this.host = host;
    }

    public static final String USAGE = """
            %help
              Lists every magic with its usage.""";

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Void eval(BaseKernel kernel, List<String> args) {
        System.out.print(text(host.catalogue()));
        return null;
    }

    /** The help text. */
    public static String text(MagicCatalogue catalogue) {
        StringBuilder sb = new StringBuilder();
        sb.append("Line magics (%name on a line of its own):\n");
        for (String name : catalogue.names(false)) {
            append(sb, "%" + name, catalogue.usage(name, false).orElse(null));
        }
        sb.append("\nCell magics (%%name on the first line of a cell):\n");
        for (String name : catalogue.names(true)) {
            append(sb, "%%" + name, catalogue.usage(name, true).orElse(null));
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, String usage) {
        if (usage == null || usage.isBlank()) {
            sb.append("  ").append(name).append('\n');
            return;
        }
        for (String line : usage.strip().split("\n")) {
            sb.append("  ").append(line).append('\n');
        }
    }
}
