package dev.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A structured answer: the value read from the answer's JSON, the JSON itself (validated, and
 * unwrapped when the schema's root had to be wrapped), and the completion that carried it.
 *
 * @param value      the answer as the requested type
 * @param json       the validated JSON the value was read from
 * @param completion the last completion (its usage, request id and attempts)
 * @param requests   requests sent, counting re-asks after invalid answers and a json_schema refusal
 * @param fellBack   true when the server refused json_schema and json_object was used instead
 */
public record StructuredCompletion<R>(R value, JsonNode json, ChatCompletion completion, int requests,
                                      boolean fellBack) {
}
