package dev.streamrpc.discovery;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the OpenRPC 1.3.2 document that {@code rpc.discover} answers and
 * {@code GET /openrpc.json} serves. A method's {@code params} are the properties of its
 * payload ({@code paramStructure: by-name}); {@code x-payload} holds the schema of the whole
 * payload, which also covers free-form payloads (a {@code Map} or {@code JsonObject}) that
 * have no named params.
 */
final class OpenRpcDocument {

    static final String VERSION = "1.3.2";
    static final String ABOUT = "RPC methods of this StreamRPC server. " + ApiInfo.ENVELOPE
            + " Messages pushed on subscribed channels are described by the AsyncAPI document at /asyncapi.json.";

    private OpenRpcDocument() {
    }

    static JsonObject build(ApiInfo info, List<MethodContract> methods, JsonSchemas.Generated schemas) {
        JsonArrayBuilder described = Json.createArrayBuilder();
        methods.forEach(method -> described.add(method(method, schemas)));
        JsonObjectBuilder errors = Json.createObjectBuilder();
        Stream.concat(ProtocolErrors.ENVELOPE.stream(), methods.stream().flatMap(m -> m.errors().stream()))
                .collect(Collectors.toMap(ProtocolErrors.Row::key, row -> row, (a, b) -> a, LinkedHashMap::new))
                .forEach((key, row) -> errors.add(key, row.toJson()));
        return Json.createObjectBuilder()
                .add("openrpc", VERSION)
                .add("info", info.toJson(ABOUT))
                .add("servers", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("name", "stream")
                        // The meta-schema wants a URI here, so no {host} variable: the embedded server's default.
                        .add("url", "ws://localhost:8080/stream")
                        .add("summary", "The WebSocket endpoint: /stream on the server's host, under the web application's context path")))
                .add("methods", described)
                .add("components", Json.createObjectBuilder()
                        .add("schemas", schemas.components())
                        .add("errors", errors))
                .add("x-streamrpc-envelope", envelope())
                .build();
    }

    private static JsonObject method(MethodContract method, JsonSchemas.Generated schemas) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("name", method.name());
        if (method.summary() != null) {
            json.add("summary", method.summary());
        }
        JsonArrayBuilder params = Json.createArrayBuilder();
        if (method.payload() != null) {
            JsonObject payload = schemas.of(method.payload());
            JsonObject resolved = schemas.resolve(payload);
            Set<String> required = resolved.containsKey("required")
                    ? resolved.getJsonArray("required").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                            .collect(Collectors.toSet())
                    : Set.of();
            JsonObject properties = resolved.containsKey("properties") ? resolved.getJsonObject("properties") : JsonValue.EMPTY_JSON_OBJECT;
            properties.forEach((name, schema) -> params.add(param(name, schema.asJsonObject(), required.contains(name))));
            json.add("x-payload", payload);
        }
        JsonArrayBuilder errors = Json.createArrayBuilder();
        method.errors().forEach(row -> errors.add(Json.createObjectBuilder().add("$ref", "#/components/errors/" + row.key())));
        return json.add("paramStructure", "by-name")
                .add("params", params)
                .add("result", Json.createObjectBuilder().add("name", "response").add("schema", schemas.of(method.result())))
                .add("errors", errors)
                .build();
    }

    private static JsonObject param(String name, JsonObject schema, boolean required) {
        JsonObjectBuilder param = Json.createObjectBuilder().add("name", name);
        String description = description(schema);
        if (description != null) {
            param.add("description", description);
        }
        return param.add("required", required).add("schema", schema).build();
    }

    /** A schema's description; a described reference is {@code allOf: [{$ref}, {description}]}. */
    private static String description(JsonObject schema) {
        if (schema.get("description") instanceof JsonString description) {
            return description.getString();
        }
        if (schema.get("allOf") instanceof JsonArray parts) {
            return parts.getValuesAs(JsonObject.class).stream().map(OpenRpcDocument::description)
                    .filter(Objects::nonNull).findFirst().orElse(null);
        }
        return null;
    }

    /** The envelope's mapping onto JSON-RPC 2.0, member by member. */
    private static JsonObject envelope() {
        JsonArrayBuilder frameErrors = Json.createArrayBuilder();
        ProtocolErrors.ENVELOPE.forEach(row -> frameErrors.add(Json.createObjectBuilder().add("$ref", "#/components/errors/" + row.key())));
        return Json.createObjectBuilder()
                .add("transport", "WebSocket /stream; one JSON document per text frame")
                .add("jsonrpc", "absent")
                .add("request", Json.createObjectBuilder().add("id", "id (a string or a number; required)")
                        .add("method", "method").add("params", "payload (an object; absent or null means {})"))
                .add("success", Json.createObjectBuilder().add("id", "id").add("method", "method (echoed)").add("result", "response"))
                .add("error", Json.createObjectBuilder().add("id", "id (omitted when the request had none)")
                        .add("method", "method (omitted when the request had none)")
                        .add("error.code", "not sent: error.message identifies the error")
                        .add("error.message", "error.message").add("error.data.errors", "error.errors"))
                .add("paramStructure", "by-name only")
                .add("notifications", "not supported: every request gets exactly one reply")
                .add("batches", "not supported")
                .add("frameErrors", frameErrors)
                .build();
    }
}
