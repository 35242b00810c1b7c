package dev.chorus.kernel.execution;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM on the thread that called {@code JShell.eval}, keeping the real
 * result object and the real exception that JShell itself only sees as strings.
 *
 * <p>Confined to the thread holding the evaluator's lock; the captured value and exception are
 * read right after each {@code eval}.
 */
final class InProcessExecution extends DirectExecutionControl {
    /** Called around notebook code so that interrupts target only notebook code. */
    interface Hooks {
        void enter();

        void leave();
    }

    private final Hooks hooks;
    private Object value;
    private boolean valueCaptured;
    private Throwable thrown;

    InProcessExecution(SnippetLoader loader, Hooks hooks) {
        super(loader);
        this.hooks = hooks;
    }

    static ExecutionControlProvider provider(InProcessExecution execution) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "chorus-in-process";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return execution;
            }
        };
    }

    void reset() {
        value = null;
        valueCaptured = false;
        thrown = null;
    }

    boolean valueCaptured() {
        return valueCaptured;
    }

    Object value() {
        return value;
    }

    Throwable thrown() {
        return thrown;
    }

    @Override
    protected void clientCodeEnter() {
        hooks.enter();
    }

    @Override
    protected void clientCodeLeave() {
        hooks.leave();
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object result = doitMethod.invoke(null);
        value = result;
        valueCaptured = true;
        // JShell only shows this string; rendering is the kernel's job, so never call toString here
        return result == null ? "null" : "";
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        thrown = cause;
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    protected String throwConvertedOtherException(Throwable ex) throws RunException, InternalException {
        thrown = ex;
        return super.throwConvertedOtherException(ex);
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException,
            InternalException {
        try {
            Field f = findClass(className).getDeclaredField(varName);
            f.setAccessible(true);
            value = f.get(null);
            valueCaptured = true;
            return "";
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new InternalException("cannot read " + varName + ": " + e);
        }
    }

    @Override
    public void stop() {
        // the evaluator interrupts cells itself (JShellEvaluator.interrupt)
    }
}
