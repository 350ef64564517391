package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.Map;

/**
 * Encodes reply envelopes with JSON-B. {@code id} and {@code method} are left out when null
 * (JSON-B's default); {@code response} is always written, as {@code null} when there is none.
 */
final class ReplyWriter {

    /**
     * Equal only to itself: Yasson keeps every object it is writing in a hash set (to refuse
     * cycles), and a record's own hash code would walk the whole result, twice per reply.
     */
    @JsonbPropertyOrder({"id", "method", "response"})
    public record Response(JsonValue id, String method, Object response) {

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    @JsonbPropertyOrder({"id", "method", "error"})
    public record Failure(JsonValue id, String method, Error error) {
    }

    @JsonbPropertyOrder({"message", "errors"})
    public record Error(String message, Map<String, String> errors) {
    }

    private final Jsonb jsonb;

    ReplyWriter(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /** The success reply, or the {@code JSON object expected} error when the result cannot be written. */
    String response(JsonValue id, String method, Object result) {
        // A non-null placeholder, because JSON-B leaves out null properties.
        Object response = result == null ? JsonValue.NULL : result;
        try {
            return jsonb.toJson(new Response(id, method, response));
        } catch (RuntimeException | StackOverflowError e) {
            return error(id, method, new RpcException(ErrorTexts.NOT_SERIALISABLE));
        }
    }

    String error(JsonValue id, String method, RpcException error) {
        Map<String, String> errors = error.errors().isEmpty() ? null : error.errors();
        return jsonb.toJson(new Failure(id, method, new Error(error.getMessage(), errors)));
    }
}
