package dev.chorus.kernel.execution;

import dev.chorus.magics.spi.Bindings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.VarSnippet;

/**
 * The notebook's variables as JShell holds them: reads one's value, lists their names, and
 * declares a variable holding a given object (what {@link JShellEvaluator#bind} does), so that
 * kernel and magics can hand objects to notebook code.
 *
 * <p>Threading: every method runs under the evaluator's JShell lock, which also guards the
 * variables it declared; a bind that notebook code asks for runs on the cell thread right after
 * its cell.
 */
final class ShellVariables {
    /** A variable {@link #bind} declared: its snippet, the type it was declared with, and its static field. */
    private record Bound(VarSnippet snippet, String type, Field field) {
    }

    private final NotebookShell shell;
    /** Variables declared by {@link #bind}, by name, so that binding the same name and type again sets its field. */
    private final Map<String, Bound> bound = new HashMap<>();

    ShellVariables(NotebookShell shell) {
        this.shell = shell;
    }

    /**
     * The value of notebook variable {@code name} (the real object; boxed for primitives).
     *
     * @throws IllegalArgumentException when no such variable is defined
     */
    Object get(String name) {
        VarSnippet v = activeVariable(name)
                .orElseThrow(() -> new IllegalArgumentException("no notebook variable named '" + name + "'"));
        shell.execution().reset();
        shell.jshell().varValue(v);
        return shell.execution().value();
    }

    private Optional<VarSnippet> activeVariable(String name) {
        JShell jshell = shell.jshell();
        VarSnippet found = null;
        for (VarSnippet v : jshell.variables().toList()) {
            if (v.name().equals(name) && jshell.status(v).isActive()) {
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The names of the notebook's variables, in order of definition, without JShell's {@code $1} temporaries. */
    List<String> names() {
        JShell jshell = shell.jshell();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        jshell.variables().filter(v -> jshell.status(v).isActive())
                .map(VarSnippet::name)
                .filter(n -> !n.startsWith("$"))
                .forEach(names::add);
        return List.copyOf(names);
    }

    /**
     * Declares (or redeclares) notebook variable {@code name} of static type {@code type} holding
     * exactly {@code value}.
     *
     * @throws IllegalArgumentException when the declaration does not compile or the value does not fit
     */
    void bind(String name, String type, Object value) {
        if (setBound(name, type, value)) {
            return;
        }
        String id = Bindings.put(value);
        try {
            String source = type + " " + name + " = (" + type + ") " + Bindings.class.getName() + ".take(\"" + id + "\");";
            shell.execution().reset();
            shell.loader().record();
            List<SnippetEvent> events;
            try {
                events = shell.jshell().eval(source);
            } finally {
                remember(name, type, shell.loader().recorded());
            }
            for (SnippetEvent ev : events) {
                if (ev.causeSnippet() != null) {
                    continue;
                }
                if (ev.status() == Snippet.Status.REJECTED) {
                    throw new IllegalArgumentException("cannot bind '" + name + "' as " + type + ": "
                            + diagnosticMessages(ev.snippet()));
                }
                if (ev.exception() != null) {
                    Throwable thrown = shell.execution().thrown();
                    Throwable t = thrown != null ? thrown : ev.exception();
                    throw new IllegalArgumentException("cannot bind '" + name + "' as " + type + ": " + t, t);
                }
            }
        } finally {
            Bindings.drop(id);
        }
    }

    /**
     * Sets {@code name} without compiling when {@link #bind} declared it with the same type and it is
     * still the notebook's variable of that name (a cell may have redeclared it since): a magic that
     * binds its result on every run then costs a field write instead of a compile.
     */
    private boolean setBound(String name, String type, Object value) {
        Bound b = bound.get(name);
        if (b == null || !b.type().equals(type) || b.field().getType().isPrimitive()
                || (value != null && !b.field().getType().isInstance(value))) {
            return false;
        }
        if (!shell.jshell().status(b.snippet()).isActive() || activeVariable(name).orElse(null) != b.snippet()) {
            bound.remove(name);
            return false;
        }
        try {
            b.field().set(null, value);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            bound.remove(name);
            return false;
        }
    }

    /** Keeps the snippet and static field of {@code name} just declared, if a loaded class holds it. */
    private void remember(String name, String type, List<Class<?>> classes) {
        bound.remove(name);
        VarSnippet snippet = activeVariable(name).orElse(null);
        if (snippet == null) {
            return;
        }
        for (Class<?> c : classes) {
            try {
                Field f = c.getDeclaredField(name);
                if (Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    bound.put(name, new Bound(snippet, type, f));
                    return;
                }
            } catch (NoSuchFieldException | RuntimeException e) {
                // not this class (or not accessible): binding again compiles, as the first time
            }
        }
    }

    private String diagnosticMessages(Snippet s) {
        return String.join("; ", shell.jshell().diagnostics(s).filter(Diag::isError)
                .map(d -> ErrorText.oneLine(ErrorText.cleanMessage(d.getMessage(Locale.ROOT)))).distinct().toList());
    }

    static boolean isIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(Character::isJavaIdentifierPart);
    }

    /** The type a bind without one declares: the value's class or its nearest public named superclass; Object for null. */
    static String typeNameOf(Object value) {
        if (value == null) {
            return "Object";
        }
        Class<?> c = value.getClass();
        while (c != null && (!Modifier.isPublic(c.getModifiers()) || c.getCanonicalName() == null
                || c.isAnonymousClass())) {
            c = c.getSuperclass();
        }
        return c == null ? "Object" : c.getCanonicalName();
    }
}
