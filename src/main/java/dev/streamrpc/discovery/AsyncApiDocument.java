package dev.streamrpc.discovery;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the AsyncAPI 3.0.0 document of the {@code /stream} WebSocket that
 * {@code GET /asyncapi.json} serves, from the server's point of view: each RPC method is a
 * {@code receive} operation with its reply, and each declared channel a {@code send}
 * operation of its events' messages. One more channel stands for every channel, declared or
 * not, so that the delivered message and the version 2 {@code gap} message are described even
 * where nothing is declared.
 */
final class AsyncApiDocument {

    static final String VERSION = "3.0.0";
    static final String ABOUT = "The /stream WebSocket of this StreamRPC server, from the server's side: receive operations "
            + "are the requests it answers, each with its reply; send operations are the messages it pushes on the channels "
            + "a connection subscribed to. " + ApiInfo.ENVELOPE + " Pub/sub channels share the one WebSocket: subscribe with "
            + "the subscribe operation; every pushed message names its channel and event. Version 2: on a subscription made "
            + "with position or since, each message of that channel carries its offset, and a gap message reports offsets "
            + "that will never arrive.";

    private static final String RPC = "rpc";
    private static final String ANY = "any";
    private static final JsonObject ID = Json.createObjectBuilder()
            .add("type", Json.createArrayBuilder().add("string").add("number"))
            .add("description", "Chosen by the client; the reply carries it unchanged").build();
    private static final JsonObject OFFSET = Json.createObjectBuilder().add("type", "integer").add("minimum", 1)
            .add("description", "Version 2: the publication's offset in the channel's stream; present when this "
                    + "connection subscribed to the channel with position or since").build();

    private final JsonSchemas.Generated schemas;
    private final Set<String> usedIds = new HashSet<>();
    private final JsonObjectBuilder channels = Json.createObjectBuilder();
    private final JsonObjectBuilder operations = Json.createObjectBuilder();

    private AsyncApiDocument(JsonSchemas.Generated schemas) {
        this.schemas = schemas;
    }

    static JsonObject build(ApiInfo info, List<MethodContract> methods, List<ChannelDeclaration> declared,
                            JsonSchemas.Generated schemas) {
        AsyncApiDocument document = new AsyncApiDocument(schemas);
        document.rpc(methods);
        declared.forEach(document::declared);
        document.anyChannel();
        return Json.createObjectBuilder()
                .add("asyncapi", VERSION)
                .add("info", info.toJson(ABOUT))
                .add("defaultContentType", "application/json")
                .add("servers", Json.createObjectBuilder().add("stream", Json.createObjectBuilder()
                        .add("host", "{host}")
                        .add("protocol", "ws")
                        .add("description", "The WebSocket endpoint; channels and RPC share one connection")
                        .add("variables", Json.createObjectBuilder().add("host", Json.createObjectBuilder()
                                .add("default", "localhost:8080")
                                .add("description", "The server's host and port, and the context path if any")))))
                .add("channels", document.channels)
                .add("operations", document.operations)
                .add("components", Json.createObjectBuilder()
                        .add("schemas", schemas.components())
                        .add("correlationIds", Json.createObjectBuilder().add("id", Json.createObjectBuilder()
                                .add("description", "A reply carries the id of its request")
                                .add("location", "$message.payload#/id"))))
                .build();
    }

    /** One channel for every request and reply; one receive operation per method. */
    private void rpc(List<MethodContract> methods) {
        JsonObjectBuilder messages = Json.createObjectBuilder();
        messages.add("error", message("error", "Error reply", "The reply to a request that failed", Json.createObjectBuilder()
                .add("type", "object").add("required", Json.createArrayBuilder().add("error"))
                .add("properties", Json.createObjectBuilder().add("id", ID).add("method", Json.createObjectBuilder().add("type", "string"))
                        .add("error", schemas.of(Wire.ErrorBody.class))).build(), true));
        for (MethodContract method : methods) {
            String id = uniqueId(method.name());
            JsonObject payload = method.payload() == null
                    ? Json.createObjectBuilder().add("type", "object").add("description", "Not used by this method").build()
                    : schemas.of(method.payload());
            messages.add(id + ".request", message(method.name() + ".request", method.name() + " request", method.summary(),
                    envelope(method.name(), "payload", payload, false), true));
            messages.add(id + ".response", message(method.name() + ".response", method.name() + " reply", method.summary(),
                    envelope(method.name(), "response", schemas.of(method.result()), true), true));
            JsonObjectBuilder operation = Json.createObjectBuilder().add("action", "receive").add("title", method.name());
            if (method.summary() != null) {
                operation.add("summary", method.summary());
            }
            operations.add(id, operation
                    .add("channel", ref("#/channels/" + RPC))
                    .add("messages", Json.createArrayBuilder().add(ref(messageRef(RPC, id + ".request"))))
                    .add("reply", Json.createObjectBuilder()
                            .add("channel", ref("#/channels/" + RPC))
                            .add("messages", Json.createArrayBuilder().add(ref(messageRef(RPC, id + ".response")))
                                    .add(ref(messageRef(RPC, "error"))))));
        }
        channels.add(RPC, Json.createObjectBuilder()
                .add("address", "/stream")
                .add("title", "RPC")
                .add("description", "Requests and their replies")
                .add("servers", Json.createArrayBuilder().add(ref("#/servers/stream")))
                .add("messages", messages));
    }

    /** A declared channel: its events' messages, and the gap message. */
    private void declared(ChannelDeclaration channel) {
        String id = uniqueId("channel." + channel.name());
        JsonObjectBuilder messages = Json.createObjectBuilder();
        JsonArrayBuilder refs = Json.createArrayBuilder();
        Set<String> keys = new HashSet<>();
        for (ChannelDeclaration.Event event : channel.events()) {
            String key = unique(keys, safe(event.name().isEmpty() ? "no-event" : event.name()));
            messages.add(key, message(key, event.name().isEmpty() ? "(no event)" : event.name(), event.description(),
                    delivery(channel.name(), event.name(), schemas.of(event.data())), false));
            refs.add(ref(messageRef(id, key)));
        }
        messages.add("gap", gap());
        refs.add(ref(messageRef(id, "gap")));
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("address", channel.name())
                .add("title", channel.name())
                .add("description", (channel.description().isEmpty() ? "" : channel.description() + ". ")
                        + (ChannelDeclaration.isLiteral(channel.name()) ? "A pub/sub channel" : "Pub/sub channels whose names match this pattern")
                        + " on the /stream WebSocket")
                .add("servers", Json.createArrayBuilder().add(ref("#/servers/stream")))
                .add("messages", messages);
        channels.add(id, json);
        operations.add("deliver." + id, Json.createObjectBuilder()
                .add("action", "send")
                .add("title", "Deliver on " + channel.name())
                .add("summary", "Pushed to each connection with a matching subscription")
                .add("channel", ref("#/channels/" + id))
                .add("messages", refs));
    }

    /** Every channel, declared or not: a message of any data, and the gap message. */
    private void anyChannel() {
        String id = uniqueId(ANY);
        channels.add(id, Json.createObjectBuilder()
                .add("address", JsonValue.NULL)
                .add("title", "Any channel")
                .add("description", "Every pub/sub channel, declared or not; the name is chosen at run time")
                .add("servers", Json.createArrayBuilder().add(ref("#/servers/stream")))
                .add("messages", Json.createObjectBuilder()
                        .add("message", message("message", "Message", "A publication",
                                delivery(null, null, JsonSchemas.any()), false))
                        .add("gap", gap())));
        operations.add("deliver." + id, Json.createObjectBuilder()
                .add("action", "send")
                .add("title", "Deliver")
                .add("summary", "Pushed to each connection with a matching subscription")
                .add("channel", ref("#/channels/" + id))
                .add("messages", Json.createArrayBuilder().add(ref(messageRef(id, "message"))).add(ref(messageRef(id, "gap")))));
    }

    private JsonObject gap() {
        return message("gap", "Gap", "Version 2: offsets of the channel that this connection will never receive "
                + "(to), or the channel's new epoch after its history was lost (epoch)", schemas.of(Wire.Gap.class), false);
    }

    /** {@code {"id", "method", key: schema}} with the method's name fixed. */
    private static JsonObject envelope(String method, String key, JsonObject schema, boolean required) {
        JsonArrayBuilder requiredKeys = Json.createArrayBuilder().add("id").add("method");
        if (required) {
            requiredKeys.add(key);
        }
        return Json.createObjectBuilder().add("type", "object").add("required", requiredKeys)
                .add("properties", Json.createObjectBuilder().add("id", ID)
                        .add("method", Json.createObjectBuilder().add("const", method))
                        .add(key, schema))
                .build();
    }

    /** A pushed message; channel and event are fixed where the declaration names one. */
    private static JsonObject delivery(String channel, String event, JsonObject data) {
        return Json.createObjectBuilder().add("type", "object")
                .add("required", Json.createArrayBuilder().add("channel").add("event").add("data"))
                .add("properties", Json.createObjectBuilder()
                        .add("channel", name(channel, "The channel's name"))
                        .add("event", name(event, "The event's name; empty when published without one"))
                        .add("data", data)
                        .add("offset", OFFSET))
                .build();
    }

    private static JsonObject name(String declared, String description) {
        JsonObjectBuilder schema = Json.createObjectBuilder().add("type", "string");
        if (declared != null && ChannelDeclaration.isLiteral(declared)) {
            schema.add("const", declared);
        } else if (declared != null) {
            description += "; matches " + declared;
        }
        return schema.add("description", description).build();
    }

    private static JsonObject message(String name, String title, String summary, JsonObject payload, boolean correlated) {
        JsonObjectBuilder message = Json.createObjectBuilder().add("name", name).add("title", title);
        if (summary != null && !summary.isEmpty()) {
            message.add("summary", summary);
        }
        message.add("contentType", "application/json").add("payload", payload);
        if (correlated) {
            message.add("correlationId", ref("#/components/correlationIds/id"));
        }
        return message.build();
    }

    private static JsonObject ref(String target) {
        return Json.createObjectBuilder().add("$ref", target).build();
    }

    private static String messageRef(String channel, String key) {
        return "#/channels/" + channel + "/messages/" + key;
    }

    private String uniqueId(String wanted) {
        return unique(usedIds, safe(wanted));
    }

    /** Ids in AsyncAPI documents are kept to letters, digits, {@code .}, {@code -} and {@code _}. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String unique(Set<String> used, String wanted) {
        String id = wanted;
        for (int n = 2; !used.add(id); n++) {
            id = wanted + "-" + n;
        }
        return id;
    }
}
