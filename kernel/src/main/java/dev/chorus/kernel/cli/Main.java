package dev.chorus.kernel.cli;

import dev.chorus.kernel.ChorusKernel;
import dev.chorus.kernel.Version;

import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code chorus} command: {@code kernel}, {@code run}, {@code kernelspec install}, {@code sandbox},
 * {@code --version}, {@code --help}.
 *
 * <p>Each subcommand returns an exit status from {@link #run(String[], PrintStream, PrintStream)} so tests
 * call it in-process; {@link #main(String[])} exits with it. Usage errors are one line plus the usage, exit 2.
 */
public final class Main {

    static final String USAGE = """
            Usage: chorus COMMAND [ARGS]
              kernel CONNECTION_FILE                 run the Jupyter kernel (started by Jupyter)
              run FILE.ipynb|FILE.jsh [--out FILE] [--verbose]
                                                     execute a notebook or script headless, one progress line per
                                                     cell (--verbose: and its outputs); exits 1 at the first failing cell
              kernelspec install [--user|--prefix DIR] [--java JAVA] [--name NAME]
                                                     register the kernel with Jupyter (default --user, name chorus)
              sandbox [--port N]                     run the offline OpenAI-compatible sandbox server
              --version                              print the version
              --help                                 print this help""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("kernel")) {
            if (args.length != 2) {
                System.err.println("chorus kernel: expected CONNECTION_FILE\n" + USAGE);
                System.exit(2);
            }
            runKernel(Path.of(args[1]));
            System.exit(0);
        }
        int status = run(args, System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a subcommand other than {@code kernel}; returns its exit status, or -1 when it keeps running
     * (a server).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "--version", "version" -> {
                    out.println("chorus " + Version.VERSION);
                    yield 0;
                }
                case "run" -> NotebookRun.main(rest, out, err);
                case "kernelspec" -> Kernelspec.main(rest, out);
                case "sandbox" -> sandbox(rest, err);
                default -> throw new UsageException("unknown command '" + args[0] + "'");
            };
        } catch (UsageException e) {
            err.println("chorus: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("chorus: " + e.getMessage());
            return 1;
        }
    }

    /** Starts the kernel on a Jupyter connection file and returns when Jupyter shuts it down. */
    static void runKernel(Path connectionFile) throws Exception {
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("connection file '" + connectionFile + "' is not a file");
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
        ChorusKernel.serve(props, kernel -> {
            installSigintHandler(kernel);
            exitWithParent();
        });
    }

    /** Jupyter names its own process in JPY_PARENT_PID: a kernel whose Jupyter died must not linger. */
    static void exitWithParent() {
        String parent = System.getenv("JPY_PARENT_PID");
        if (parent == null || !parent.matches("\\d+")) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent)).ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
    }

    /** Jupyter's default interrupt mode sends SIGINT: treat it like an interrupt_request. */
    static void installSigintHandler(ChorusKernel kernel) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sigint = signal.getConstructor(String.class).newInstance("INT");
            Object h = java.lang.reflect.Proxy.newProxyInstance(Main.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, margs) -> {
                        if (method.getName().equals("handle")) {
                            kernel.interrupt();
                        }
                        return null;
                    });
            signal.getMethod("handle", signal, handler).invoke(null, sigint, h);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // no sun.misc.Signal on this JVM: interrupt_request messages still work
        }
    }

    private static int sandbox(List<String> args, PrintStream err) {
        Method main;
        try {
            main = Class.forName("dev.chorus.sandbox.Main").getMethod("main", String[].class);
        } catch (ReflectiveOperationException e) {
            err.println("chorus sandbox: the sandbox module is not on the class path");
            return 1;
        }
        try {
            main.invoke(null, (Object) args.toArray(new String[0]));
            return -1;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            err.println("chorus sandbox: " + cause.getMessage());
            return 1;
        }
    }

    /** A bad command line: one line, then the usage. */
    static final class UsageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Splits {@code --name value} and {@code --name=value} options; everything else is positional. */
    static List<String> positional(List<String> args, java.util.Map<String, String> options, List<String> known,
                                   List<String> flags) {
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (flags.contains(name)) {
                    options.put(name, "true");
                } else if (known.contains(name)) {
                    if (a.contains("=")) {
                        options.put(name, a.substring(a.indexOf('=') + 1));
                    } else if (i + 1 < args.size()) {
                        options.put(name, args.get(++i));
                    } else {
                        throw new UsageException("option " + name + " needs a value");
                    }
                } else {
                    throw new UsageException("unknown option " + name);
                }
            } else {
                pos.add(a);
            }
        }
        return pos;
    }
}
