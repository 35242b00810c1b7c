package dev.chorus.kernel.magic;

import dev.chorus.magics.spi.Described;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicArgsParseException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code %classpath PATH|GLOB [...]}: adds jars or class folders to the notebook's class path and loads
 * the Jupyter extensions they declare.
 *
 * <p>Runs on the cell thread. A path that does not exist, or a glob that matches nothing, is a bad
 * argument and nothing is added.
 */
public final class ClasspathMagic implements LineMagic<Void, BaseKernel>, Described {
    private final MagicHost host;

    public ClasspathMagic(MagicHost host) {
        this.host = host;
    }

    public static final String USAGE = """
            %classpath PATH|GLOB [PATH|GLOB ...]
              Adds jars or class folders to the class path, e.g. %classpath lib/*.jar""";

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public Void eval(BaseKernel kernel, List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new MagicArgsParseException("missing PATH or GLOB");
        }
        List<Path> paths = new ArrayList<>();
        for (String arg : args) {
            paths.addAll(resolve(arg));
        }
        host.addToClasspath(paths);
        System.out.println("Added to the class path: " + String.join(", ", paths.stream().map(Path::toString).toList()));
        return null;
    }

    /** Resolves one PATH or GLOB (with *, ?, ** or [...]) to existing files, sorted. */
    static List<Path> resolve(String arg) throws IOException {
        if (!arg.matches(".*[*?\\[{].*")) {
            Path p = Path.of(arg).toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("no such file or folder '" + arg + "'");
            }
            return List.of(p);
        }
        Path abs = Path.of("").toAbsolutePath();
        String normalized = arg.replace('\\', '/');
        int firstGlob = indexOfGlob(normalized);
        int slash = normalized.lastIndexOf('/', firstGlob);
        Path base = slash < 0 ? abs : abs.resolve(normalized.substring(0, slash + 1)).normalize();
        String pattern = slash < 0 ? normalized : normalized.substring(slash + 1);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(base)) {
            int depth = pattern.contains("**") || pattern.contains("/") ? Integer.MAX_VALUE : 1;
            try (Stream<Path> s = Files.walk(base, depth)) {
                s.filter(p -> !p.equals(base) && matcher.matches(base.relativize(p)))
                        .sorted()
                        .forEach(out::add);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no file matches '" + arg + "'");
        }
        return out;
    }

    private static int indexOfGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
