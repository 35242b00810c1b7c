package dev.chorus.magics.spi;

/**
 * A kernel that can ask the notebook's user for a line while a cell runs (Jupyter's input_request):
 * {@code %client --secret ?} asks for the secret this way, so it never appears in the notebook.
 * In a kernel without it, a magic says that it cannot ask.
 *
 * <p>Threading: called from the thread running the magic.
 */
public interface UserInput {

    /**
     * The line the user typed in answer to {@code prompt}; with {@code secret} the front end does not
     * echo it, and it is never shown or kept.
     *
     * @throws IllegalStateException when the front end cannot answer (nbclient, stdin turned off)
     * @throws InterruptedException  when the cell is interrupted while waiting
     */
    String ask(String prompt, boolean secret) throws InterruptedException;
}
