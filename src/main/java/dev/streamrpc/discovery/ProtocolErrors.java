package dev.streamrpc.discovery;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The protocol's error table (PROTOCOL.md sections 3, 4, 7 and 8) as OpenRPC error objects. The
 * wire carries no code, only the {@code message} text and field {@code errors}; each row gets
 * the code of its JSON-RPC 2.0 counterpart so that tools can tell them apart.
 */
final class ProtocolErrors {

    static final String INVALID = "Invalid RPC parameters";

    /** One row: a stable key (for {@code components/errors}), a code, the text, example field errors. */
    record Row(String key, int code, String message, Map<String, String> errors) {

        JsonObject toJson() {
            JsonObjectBuilder error = Json.createObjectBuilder().add("code", code).add("message", message);
            if (!errors.isEmpty()) {
                JsonObjectBuilder fields = Json.createObjectBuilder();
                errors.forEach(fields::add);
                error.add("data", Json.createObjectBuilder().add("errors", fields));
            }
            return error.build();
        }
    }

    private static Row row(String key, int code, String message, String... fieldErrors) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fieldErrors.length; i += 2) {
            errors.put(fieldErrors[i], fieldErrors[i + 1]);
        }
        return new Row(key, code, message, errors);
    }

    /** Replies to a frame that is not a request; no method is involved (section 3). */
    static final List<Row> ENVELOPE = List.of(
            row("not-json", -32700, "JSON string expected"),
            row("not-an-object", -32600, "Malformed message; expected dictionary, got T"),
            row("id-required", -32600, INVALID, "id", "required"),
            row("method-required", -32600, INVALID, "method", "required"),
            row("payload-not-an-object", -32600, INVALID, "payload", "must be an object"),
            row("method-not-available", -32601, INVALID, "method", "NAME method not available"));

    /** What any method may answer (section 3, and the per-connection request rate). */
    static final List<Row> EVERY_METHOD = List.of(
            row("invalid-payload", -32602, INVALID, "FIELD", "required"),
            row("result-not-json", -32603, "JSON object expected"),
            row("internal", -32603, "Internal server error"),
            row("rate-limited", -32000, "Too many requests"));

    private static final List<Row> CHANNEL_CHECKS = List.of(
            row("channel-required", -32602, INVALID, "channel", "required"),
            row("invalid-event-pattern", -32602, INVALID, "event", "Invalid event pattern"),
            row("invalid-channel", -32602, INVALID, "channel", "Invalid channel"),
            row("not-allowed", -32602, INVALID, "channel", "Not allowed"));

    /** The built-ins' own rows (sections 4, 7 and 8), by method name. */
    static final Map<String, List<Row>> BUILT_INS = Map.of(
            "subscribe", concat(CHANNEL_CHECKS, List.of(
                    row("too-many-subscriptions", -32602, INVALID, "channel", "Too many subscriptions"),
                    row("cannot-subscribe", -32602, INVALID, "channel", "Cannot subscribe to channel"),
                    row("position-not-boolean", -32602, INVALID, "position", "must be a boolean"),
                    row("invalid-position", -32602, INVALID, "since", "Invalid position"))),
            "unsubscribe", CHANNEL_CHECKS,
            "publish", List.of(
                    row("publish-channel-required", -32602, INVALID, "channel", "required", "data", "required"),
                    row("invalid-event", -32602, INVALID, "event", "Invalid event"),
                    row("event-not-a-string", -32602, INVALID, "event", "must be a string"),
                    row("cannot-publish", -32602, INVALID, "channel", "Cannot publish to channel"),
                    row("not-allowed", -32602, INVALID, "channel", "Not allowed"),
                    row("undeclared-event", -32602, INVALID, "event", ChannelCatalog.UNDECLARED_EVENT),
                    row("invalid-data", -32602, INVALID, "data.FIELD", "must be less than or equal to 10")));

    private ProtocolErrors() {
    }

    private static List<Row> concat(List<Row> first, List<Row> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
