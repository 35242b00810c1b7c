package dev.chorus.magics;

import dev.chorus.magics.spi.Bindings;
import dev.chorus.magics.spi.KernelActivity;
import dev.chorus.magics.spi.NotebookVariables;
import dev.chorus.magics.spi.UserInput;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * The {@link Notebook} of a jjava kernel: variables through the kernel's {@link NotebookVariables}
 * when it has them (the Chorus kernel), else through {@link BaseKernel#evalRaw}; displays through
 * the kernel's display stream, rendering through its renderer.
 *
 * <p>Threading as {@link Notebook}: never call {@link #read}/{@link #bind} from code that is itself
 * running inside the kernel's evaluator.
 */
final class KernelNotebook implements Notebook {
    private final BaseKernel kernel;

    KernelNotebook(BaseKernel kernel) {
        this.kernel = kernel;
    }

    /** The notebook of the running kernel, or null outside a notebook. */
    static KernelNotebook current() {
        try {
            return new KernelNotebook(BaseKernel.notebookKernel());
        } catch (RuntimeException none) {
            return null;
        }
    }

    @Override
    public Object read(String name) {
        try {
            if (kernel instanceof NotebookVariables v && isIdentifier(name)) {
                return v.variable(name);
            }
            return kernel.evalRaw(name);
        } catch (Exception e) {
            throw new IllegalArgumentException(name + " is not a notebook variable", e);
        }
    }

    @Override
    public void bind(String name, String type, Object value) {
        if (kernel instanceof NotebookVariables v) {
            try {
                v.bind(name, type, value);
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not bind " + name + ": " + e.getMessage(), e);
            }
            return;
        }
        String key = Bindings.put(value);
        try {
            kernel.evalRaw(type + " " + name + " = (" + type + ") dev.chorus.magics.spi.Bindings.take(\"" + key + "\");");
        } catch (Exception e) {
            throw new IllegalStateException("could not bind " + name + ": " + e.getMessage(), e);
        } finally {
            Bindings.drop(key);
        }
    }

    @Override
    public void display(DisplayData data) {
        kernel.getIO().display.display(data);
    }

    @Override
    public void update(String id, DisplayData data) {
        kernel.getIO().display.updateDisplay(id, data);
    }

    @Override
    public String ask(String prompt, boolean secret) throws InterruptedException {
        if (kernel instanceof UserInput input) {
            return input.ask(prompt, secret);
        }
        throw new IllegalStateException("this kernel cannot ask for input");
    }

    @Override
    public long idleMillis() {
        return kernel instanceof KernelActivity activity ? activity.idleMillis() : -1;
    }

    @Override
    public DisplayData render(Object value) {
        return kernel.getRenderer().render(value);
    }

    /** True when {@code name} is a Java identifier (a variable's name, not an expression). */
    static boolean isIdentifier(String name) {
        return !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
                && name.chars().allMatch(Character::isJavaIdentifierPart);
    }
}
