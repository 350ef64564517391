package dev.streamrpc.rpc;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A well-formed request envelope.
 *
 * @param id a {@code JsonString} or {@code JsonNumber}, echoed back unchanged
 * @param payload never null: an absent or null payload is {@code {}}
 */
public record Request(JsonValue id, String method, JsonObject payload) {
}
