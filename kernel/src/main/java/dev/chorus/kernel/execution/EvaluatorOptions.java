package dev.chorus.kernel.execution;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to start a {@link JShellEvaluator}: extra class path, the imports every notebook starts
 * with, where warnings go, and the class loader notebook classes delegate to.
 *
 * @param classpath extra jars or class folders, added after this JVM's own class path
 * @param imports import statements evaluated at start, e.g. {@code import java.util.*;}
 * @param warnings receives evaluator warnings (never notebook output); called on any thread
 * @param parentLoader the loader notebook classes delegate to; this JVM's classes must be visible
 */
public record EvaluatorOptions(List<Path> classpath, List<String> imports, Consumer<String> warnings,
                               ClassLoader parentLoader) {

    /** The imports a notebook starts with unless told otherwise. */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.function.*;",
            "import java.util.stream.*;",
            "import java.io.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.net.*;",
            "import java.math.*;");

    public EvaluatorOptions {
        classpath = List.copyOf(classpath);
        imports = List.copyOf(imports);
        Objects.requireNonNull(warnings, "warnings");
        Objects.requireNonNull(parentLoader, "parentLoader");
    }

    /** Default options: no extra class path, {@link #DEFAULT_IMPORTS}, warnings to standard error. */
    public static EvaluatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link EvaluatorOptions}; every field is optional. */
    public static final class Builder {
        private final List<Path> classpath = new ArrayList<>();
        private List<String> imports = DEFAULT_IMPORTS;
        private Consumer<String> warnings = w -> System.err.println("chorus: " + w);
        private ClassLoader parentLoader = JShellEvaluator.class.getClassLoader();

        private Builder() {
        }

        /** Adds jars or class folders to the notebook's class path. */
        public Builder classpath(List<Path> entries) {
            classpath.addAll(entries);
            return this;
        }

        /** Replaces the start-up imports; each is a full statement such as {@code import java.util.*;}. */
        public Builder imports(List<String> imports) {
            this.imports = List.copyOf(imports);
            return this;
        }

        /** Where evaluator warnings go (for example a failed instrumentation); default standard error. */
        public Builder warnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings");
            return this;
        }

        /** The loader notebook classes delegate to; default the loader of this library. */
        public Builder parentLoader(ClassLoader parentLoader) {
            this.parentLoader = Objects.requireNonNull(parentLoader, "parentLoader");
            return this;
        }

        public EvaluatorOptions build() {
            return new EvaluatorOptions(classpath, imports, warnings, parentLoader);
        }
    }
}
