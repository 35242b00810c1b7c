package dev.chorus.magics;

import dev.chorus.magics.spi.MagicWords;
import dev.chorus.sandbox.Levenshtein;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options a magic accepts, declared once next to its usage text, and the parser that turns
 * the magic's argument words into {@link Options}.
 *
 * <p>Accepted forms: {@code --name value}, {@code --name=value}, flags {@code --flag}, and
 * positional words. {@code --help} is always accepted. A value that is exactly {@code $NAME}
 * reads the environment variable NAME. Unknown options are rejected with a did-you-mean hint.
 *
 * <p>Immutable and thread-safe. Failures are {@link MagicException}s whose message is one line
 * naming the problem, then the usage.
 */
final class OptionSchema {

    /**
     * One option: its name without dashes, the placeholder of its value (null for a flag), whether
     * its value is secret, and whether it may be given more than once ({@link Options#strings}).
     */
    record Option(String name, String value, boolean secret, boolean repeatable) {
        boolean flag() {
            return value == null;
        }
    }

    private static final Pattern ENV_REF = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final String command;
    private final String usage;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final int maxPositional;

    private OptionSchema(String command, String usage, int maxPositional, List<Option> options) {
        this.command = command;
        this.usage = usage.strip();
        this.maxPositional = maxPositional;
        for (Option o : options) {
            this.options.put(o.name(), o);
        }
    }

    /** A schema for {@code command} (e.g. {@code "%%fanout"}) accepting up to {@code maxPositional} positional words. */
    static OptionSchema of(String command, String usage, int maxPositional, Option... options) {
        return new OptionSchema(command, usage, maxPositional, List.of(options));
    }

    static Option value(String name, String placeholder) {
        return new Option(name, placeholder, false, false);
    }

    /** An option that may be given more than once; {@link Options#strings} gives every value. */
    static Option repeated(String name, String placeholder) {
        return new Option(name, placeholder, false, true);
    }

    static Option secret(String name, String placeholder) {
        return new Option(name, placeholder, true, false);
    }

    static Option flag(String name) {
        return new Option(name, null, false, false);
    }

    String command() {
        return command;
    }

    String usage() {
        return usage;
    }

    Collection<Option> options() {
        return options.values();
    }

    /** The options as typed, {@code --name}, with {@code --help}. */
    List<String> optionNames() {
        List<String> names = new java.util.ArrayList<>();
        for (Option o : options.values()) {
            names.add("--" + o.name());
        }
        names.add("--help");
        return names;
    }

    /** Parses {@code args} reading {@code $NAME} references from {@code env}. */
    Options parse(List<String> args, Function<String, String> env) {
        String quoted = quote(args);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (!word.startsWith("--") || word.length() == 2) {
                positional.add(word);
                continue;
            }
            String name = word.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help")) {
                help = true;
                continue;
            }
            Option option = options.get(name);
            if (option == null) {
                String hint = closest(name);
                throw fail(quoted, "unknown option --" + name + (hint == null ? "" : " (did you mean --" + hint + "?)"));
            }
            if (option.flag()) {
                if (inline != null) {
                    throw fail(quoted, "--" + name + " takes no value");
                }
                values.put(name, "true");
                continue;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.size() || (args.get(i + 1).startsWith("--") && args.get(i + 1).length() > 2)) {
                    throw fail(quoted, "--" + name + " needs a value (" + option.value() + ")");
                }
                value = args.get(++i);
            }
            if (values.containsKey(name) && !option.repeatable()) {
                throw fail(quoted, "--" + name + " is given twice");
            }
            Matcher ref = ENV_REF.matcher(value);
            if (ref.matches()) {
                String fromEnv = env.apply(ref.group(1));
                if (fromEnv == null || fromEnv.isEmpty()) {
                    throw fail(quoted, "--" + name + " " + value + ": environment variable " + ref.group(1) + " is not set");
                }
                value = fromEnv;
            }
            values.merge(name, value, (a, b) -> a + Options.REPEAT + b);
        }
        if (!help && positional.size() > maxPositional) {
            throw fail(quoted, maxPositional == 0
                    ? "unexpected argument '" + positional.get(0) + "'"
                    : "unexpected argument '" + positional.get(maxPositional) + "'");
        }
        return new Options(this, quoted, values, positional, help);
    }

    /** The failure of an argument: {@code problem} in the command quoted as {@code quoted}, with the usage. */
    MagicException fail(String quoted, String problem) {
        return new MagicException("Failed to process '" + quoted + "': " + problem, usage);
    }

    /** A failure of the work (not of the arguments): no usage attached. */
    MagicException failWithoutUsage(String quoted, String problem) {
        return new MagicException("Failed to process '" + quoted + "': " + problem);
    }

    /** The command as typed, with secret option values masked ({@code $NAME} and {@code ?}, asked for, stay). */
    String quote(List<String> args) {
        StringBuilder b = new StringBuilder(command);
        boolean maskNext = false;
        for (String a : args) {
            String shown = a;
            if (maskNext) {
                shown = a.startsWith("$") || a.equals("?") ? a : "***";
                maskNext = false;
            } else if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                Option o = options.get(eq >= 0 ? name.substring(0, eq) : name);
                if (o != null && o.secret()) {
                    if (eq >= 0) {
                        String v = name.substring(eq + 1);
                        shown = "--" + o.name() + "=" + (v.startsWith("$") || v.equals("?") ? v : "***");
                    } else {
                        maskNext = true;
                    }
                }
            }
            b.append(' ').append(shown.isEmpty() || shown.contains(" ") ? "\"" + shown + "\"" : shown);
        }
        return b.toString();
    }

    private String closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : options.keySet()) {
            int d = Levenshtein.distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        boolean prefix = best != null && (best.startsWith(name) || name.startsWith(best));
        return best != null && (bestDistance <= Math.max(2, name.length() / 3) || prefix) ? best : null;
    }

    /** Splits an option string into words: {@link MagicWords#split}, the kernel's rule for magic lines. */
    static List<String> split(String line) {
        return MagicWords.split(line);
    }
}
