package dev.chorus.magics.spi;

/**
 * What a kernel may offer the Chorus magics beyond jjava's {@code BaseKernel}: reading and binding
 * notebook variables directly, without evaluating generated code. The Chorus kernel implements it;
 * in a stock JJava kernel the magics fall back to {@code BaseKernel.evalRaw}.
 *
 * <p>Threading: called from the thread running the magic, never from notebook code.
 */
public interface NotebookVariables {

    /**
     * The value of the notebook variable {@code name}.
     *
     * @throws IllegalArgumentException when no such variable is defined
     */
    Object variable(String name);

    /**
     * Declares (or redeclares) the notebook variable {@code name} of Java type {@code type}
     * holding {@code value}; binding the same name and type again may just set it.
     *
     * @throws IllegalArgumentException when the declaration is refused (a bad name or type)
     */
    void bind(String name, String type, Object value);
}
