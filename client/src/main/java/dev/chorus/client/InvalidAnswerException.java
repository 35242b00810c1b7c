package dev.chorus.client;

/**
 * The server answered, but the answer is not what a structured request asked for: not JSON, or
 * JSON that its schema rejects (a wrong type, a missing required field, a value outside an enum).
 * Retryable: asking again, with {@link #problem()} added to the conversation, usually mends it.
 *
 * <p>See {@link ChorusException} for what every failure carries. Immutable.
 */
public class InvalidAnswerException extends ChorusException {
    private final String raw;
    private final String problem;

    /**
     * @param schemaName the schema the answer was checked against
     * @param raw        the answer's text as received
     * @param problem    the validator's message, one line
     */
    public InvalidAnswerException(String schemaName, String raw, String problem, String requestId) {
        super("the answer does not match the schema " + schemaName + ": " + problem, 200, requestId, null, true, null);
        this.raw = raw;
        this.problem = problem;
    }

    /** The answer's text as received. */
    public String raw() {
        return raw;
    }

    /** Why it was rejected: the validator's message (or the JSON parser's), one line. */
    public String problem() {
        return problem;
    }
}
