package dev.chorus.kernel.cli;

import dev.chorus.kernel.Version;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code chorus kernelspec install}: writes the Jupyter kernelspec ({@code kernel.json}) that starts this
 * kernel with {@code java ... dev.chorus.kernel.cli.Main kernel {connection_file}}.
 *
 * <p>The JVM flags come from one place, the {@code kernel-jvm.options} resource; flags that only newer
 * JVMs know are written only when the kernel's java is that new (its version is probed once, at install).
 * Fails with an {@link IOException} naming the folder it could not write.
 */
final class Kernelspec {

    static final String DISPLAY_NAME = "Java (Chorus)";

    private Kernelspec() {
    }

    static int main(List<String> args, PrintStream out) throws IOException {
        if (args.isEmpty() || !args.get(0).equals("install")) {
            throw new Main.UsageException("expected 'kernelspec install'");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> pos = Main.positional(args.subList(1, args.size()), opts,
                List.of("--prefix", "--java", "--name"), List.of("--user"));
        if (!pos.isEmpty()) {
            throw new Main.UsageException("unexpected argument '" + pos.get(0) + "'");
        }
        if (opts.containsKey("--user") && opts.containsKey("--prefix")) {
            throw new Main.UsageException("--user and --prefix exclude each other");
        }
        String name = opts.getOrDefault("--name", "chorus");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new Main.UsageException("bad kernel name '" + name + "' (letters, digits, '.', '_', '-')");
        }
        Path kernels = opts.containsKey("--prefix")
                ? Path.of(opts.get("--prefix")).resolve("share/jupyter/kernels")
                : userKernelsDir();
        String java = opts.getOrDefault("--java", currentJava());
        Path dir = install(kernels.resolve(name), java);
        out.println("Installed kernelspec " + name + " in " + dir);
        return 0;
    }

    /** Writes kernel.json into {@code dir}; returns the folder. */
    static Path install(Path dir, String java) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv(java));
        spec.put("display_name", DISPLAY_NAME);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("metadata", Map.of("debugger", false));
        Path file = dir.resolve("kernel.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), spec);
        return dir;
    }

    static List<String> argv(String java) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        Path cache = cacheDir();
        Files.createDirectories(cache);
        String cp = classPath();
        // one archive per Java, class path and jar build: an archive made for other jars cannot be mapped,
        // and the JVM does not recreate an archive whose jars changed
        String key = Integer.toHexString((java + File.pathSeparator + cp + jarStamps(cp)).hashCode());
        Path archive = cache.resolve("chorus-" + Version.VERSION + "-" + key + ".jsa");
        pruneArchives(cache, archive, KEPT_ARCHIVES);
        argv.addAll(jvmOptions(archive, javaFeature(java)));
        argv.add("-cp");
        argv.add(cp);
        argv.add(Main.class.getName());
        argv.add("kernel");
        argv.add("{connection_file}");
        return argv;
    }

    /** Archives of other builds or Javas kept beside the one being installed: another installed kernelspec may use them. */
    static final int KEPT_ARCHIVES = 3;

    /**
     * Deletes the class-data archives in {@code cache} other than {@code archive} and the {@code kept}
     * newest of the others (by when they were written, not when last used). Each build of the jars
     * gets an archive of its own (about 25 MB), so without this every upgrade or rebuild left one
     * behind. A kernelspec whose archive went runs its next start without one and writes it again at
     * exit. Best effort: what cannot be listed or deleted stays.
     */
    static void pruneArchives(Path cache, Path archive, int kept) {
        List<Path> others;
        try (var files = Files.list(cache)) {
            // each file's time read once: a kernel may write its archive while these are sorted
            others = files.filter(f -> f.getFileName().toString().matches("chorus-.*\\.jsa") && !f.equals(archive))
                    .map(f -> Map.entry(f, modified(f)))
                    .sorted(Map.Entry.<Path, Long>comparingByValue().reversed())
                    .map(Map.Entry::getKey)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        for (Path old : others.subList(Math.min(kept, others.size()), others.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                // kept: a later install tries again
            }
        }
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Names, sizes and modification times of the jars of a {@code dir/*} class path entry. */
    static String jarStamps(String cp) {
        if (!cp.endsWith(File.separator + "*")) {
            return "";
        }
        Path dir = Path.of(cp.substring(0, cp.length() - 2));
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> {
                try {
                    sb.append(f.getFileName()).append(Files.size(f)).append(Files.getLastModifiedTime(f).toMillis());
                } catch (IOException e) {
                    sb.append(f.getFileName());
                }
            });
        } catch (IOException e) {
            return "";
        }
        return sb.toString();
    }

    /** The oldest Java Chorus runs on: assumed when a java's version cannot be found out. */
    static final int MIN_JAVA = 21;

    private static final Pattern SINCE = Pattern.compile("\\[(\\d+)\\+]\\s*(\\S.*)");
    private static final Pattern VERSION_LINE = Pattern.compile("(?m)^\\s*java\\.specification\\.version = (\\d+)");
    private static final Pattern RELEASE_LINE = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    /**
     * The feature version (21, 25, ...) of a java binary: this JVM's own when it is this JVM, else the
     * {@code release} file of its Java home, else what {@code java -XshowSettings:properties -version} says;
     * {@link #MIN_JAVA} when none of these answers, so no flag unknown to the oldest supported Java is written.
     */
    static int javaFeature(String java) {
        if (java.equals(currentJava())) {
            return Runtime.version().feature();
        }
        try {
            Path bin = Path.of(java).toAbsolutePath().getParent();
            Path release = bin == null || bin.getParent() == null ? null : bin.getParent().resolve("release");
            if (release != null && Files.isRegularFile(release)) {
                Matcher m = RELEASE_LINE.matcher(Files.readString(release));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no readable release file: ask the java itself
        }
        try {
            Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            // the few kilobytes of output fit in the pipe: wait first, so a java that hangs cannot block us
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return MIN_JAVA;
            }
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VERSION_LINE.matcher(text);
            return m.find() ? Integer.parseInt(m.group(1)) : MIN_JAVA;
        } catch (IOException | RuntimeException e) {
            return MIN_JAVA;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MIN_JAVA;
        }
    }

    /**
     * The kernel's JVM flags for a java of the given feature version, from the {@code kernel-jvm.options}
     * resource: one per line, # comments, a {@code [N+]} prefix for flags that need Java N or newer.
     */
    static List<String> jvmOptions(Path cdsArchive, int javaFeature) throws IOException {
        List<String> flags = new ArrayList<>();
        try (InputStream in = Kernelspec.class.getResourceAsStream("kernel-jvm.options")) {
            if (in == null) {
                return flags;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                Matcher since = SINCE.matcher(l);
                if (since.matches()) {
                    if (javaFeature < Integer.parseInt(since.group(1))) {
                        continue;
                    }
                    l = since.group(2);
                }
                flags.add(l.replace("${CDS_ARCHIVE}", cdsArchive.toString()));
            }
        }
        return flags;
    }

    /** {@code <lib>/*} when running from the distribution's lib folder, else this JVM's class path. */
    static String classPath() {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
                return self.toAbsolutePath().getParent() + File.separator + "*";
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the JVM's class path
        }
        List<String> abs = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            abs.add(Path.of(p).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, abs);
    }

    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static Path userKernelsDir() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) {
            return Path.of(data, "kernels");
        }
        Path home = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return home.resolve("Library/Jupyter/kernels");
        }
        if (os.contains("win")) {
            String appdata = System.getenv("APPDATA");
            return Path.of(appdata == null ? home.toString() : appdata, "jupyter", "kernels");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg == null || xdg.isBlank() ? home.resolve(".local/share") : Path.of(xdg)).resolve("jupyter/kernels");
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
        return base.resolve("chorus");
    }
}
