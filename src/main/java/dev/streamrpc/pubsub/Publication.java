package dev.streamrpc.pubsub;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The frame a subscriber receives. {@code data} is never null here: a JSON null is carried as
 * {@code JsonValue.NULL}, because JSON-B leaves out null properties.
 */
@JsonbPropertyOrder({"channel", "event", "data"})
public record Publication(String channel, String event, Object data) {
}
