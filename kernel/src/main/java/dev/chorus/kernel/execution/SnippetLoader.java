package dev.chorus.kernel.execution;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;

/**
 * Loads the classes JShell compiles from notebook snippets, instrumented, into one class loader
 * that delegates to the kernel's loader, so notebook objects and kernel objects share classes.
 *
 * <p>Thread-safe. Jars added at run time go into the same loader.
 */
final class SnippetLoader implements LoaderDelegate {
    private final NotebookClassLoader loader;
    private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
    /** Classes loaded since {@link #record()} (null when not recording); used by JShell's thread only. */
    private List<Class<?>> recorded;
    private final Set<String> jvmClasspath;
    private final Consumer<String> warnings;

    SnippetLoader(ClassLoader parent, Set<String> jvmClasspath, Consumer<String> warnings) {
        this.loader = new NotebookClassLoader(parent);
        this.jvmClasspath = jvmClasspath;
        this.warnings = warnings;
    }

    ClassLoader classLoader() {
        return loader;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
        for (ClassBytecodes cbc : cbcs) {
            loader.declare(cbc.name(), instrumented(cbc.name(), cbc.bytecodes()));
        }
        boolean[] installed = new boolean[cbcs.length];
        boolean allInstalled = true;
        for (int i = 0; i < cbcs.length; i++) {
            try {
                Class<?> c = loader.loadClass(cbcs[i].name());
                loaded.put(cbcs[i].name(), c);
                if (recorded != null) {
                    recorded.add(c);
                }
                installed[i] = true;
            } catch (ClassNotFoundException | LinkageError e) {
                allInstalled = false;
            }
        }
        if (!allInstalled) {
            throw new ClassInstallException("could not load the notebook's classes", installed);
        }
    }

    /** Starts recording the classes loaded from now on (JShell's thread, under its lock). */
    void record() {
        recorded = new ArrayList<>();
    }

    /** The classes loaded since {@link #record()}, and stops recording. */
    List<Class<?>> recorded() {
        List<Class<?>> r = recorded == null ? List.of() : recorded;
        recorded = null;
        return r;
    }

    private byte[] instrumented(String name, byte[] bytes) {
        try {
            return Instrumentation.instrument(bytes);
        } catch (RuntimeException e) {
            warnings.accept("could not instrument " + name + " (" + e + "); loops in it cannot be interrupted");
            return bytes;
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] cbcs) {
        // redefinition is not supported (DirectExecutionControl says so): JShell loads new classes
    }

    @Override
    public void addToClasspath(String path) {
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !jvmClasspath.contains(entry)) {
                loader.addEntry(entry);
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> c = loaded.get(name);
        return c != null ? c : loader.loadClass(name);
    }

    private static final class NotebookClassLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

        NotebookClassLoader(ClassLoader parent) {
            super("chorus-notebook", new URL[0], parent);
        }

        void declare(String name, byte[] bytes) {
            declared.put(name, bytes);
        }

        void addEntry(String entry) {
            try {
                addURL(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("not a class path entry: " + entry, e);
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = declared.get(name);
            if (bytes != null) {
                return defineClass(name, bytes, 0, bytes.length);
            }
            return super.findClass(name);
        }
    }
}
