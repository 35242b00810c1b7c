package dev.chorus.kernel.magic;

import dev.chorus.kernel.ChorusKernel;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

import java.util.List;

/**
 * {@code %help}: prints every registered magic with its usage, including magics that extensions register
 * after the kernel started (their usage comes from a public {@code String usage()} method, if any).
 */
public final class HelpMagic implements LineMagic<Void, ChorusKernel> {

    public static final String USAGE = """
            %help
              Lists every magic with its usage.""";

    public String usage() {
        return USAGE;
    }

    @Override
    public Void eval(ChorusKernel kernel, List<String> args) {
        System.out.print(text(kernel));
        return null;
    }

    /** The help text. */
    public static String text(ChorusKernel kernel) {
        StringBuilder sb = new StringBuilder();
        sb.append("Line magics (%name on a line of its own):\n");
        for (String name : kernel.lineMagicNames()) {
            append(sb, "%" + name, kernel.usage(name, false).orElse(null));
        }
        sb.append("\nCell magics (%%name on the first line of a cell):\n");
        for (String name : kernel.cellMagicNames()) {
            append(sb, "%%" + name, kernel.usage(name, true).orElse(null));
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
