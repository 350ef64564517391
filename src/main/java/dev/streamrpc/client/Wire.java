package dev.streamrpc.client;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;

/**
 * The protocol's JSON: requests written with JSON-B (so payloads may be maps, records or
 * {@code JsonValue}s), frames read as JSON-P trees, values bound to application types.
 */
final class Wire {

    /** Looked up once: {@code Json.createValue} and friends look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonReaderFactory READERS = JSON.createReaderFactory(Map.of());

    private final Jsonb jsonb;

    Wire(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    Jsonb jsonb() {
        return jsonb;
    }

    /**
     * {@code {"id": id, "method": method, "payload": payload}}; a null payload is sent as {@code {}}.
     *
     * @throws IllegalArgumentException when a string in it holds a lone surrogate: JSON-B writes
     *         it as it is, and a WebSocket text message (UTF-8) cannot carry it, so the JDK would
     *         refuse to send the frame
     */
    String request(long id, String method, Object payload) {
        String body = payload == null ? "{}" : jsonb.toJson(payload);
        String frame = "{\"id\":" + id + ",\"method\":" + JSON.createValue(method) + ",\"payload\":" + body + "}";
        if (hasLoneSurrogate(frame)) {
            throw new IllegalArgumentException("Cannot send " + method
                    + ": a string in it holds a lone surrogate (half a character, as when a string is cut inside an emoji)");
        }
        return frame;
    }

    /** One pass over the frame; the JDK's {@code CharsetEncoder.canEncode} would tell too, but encodes the whole frame into a new buffer on every call. */
    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The frame as a JSON object, or null when it is not one. */
    static JsonObject parse(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject object ? object : null;
        } catch (JsonException e) {
            return null;
        }
    }

    <T> T bind(JsonValue value, Class<T> type) {
        return jsonb.fromJson(value.toString(), type);
    }

    /** A message of {@code channel} from a delivered frame or a recovered publication. */
    Message message(String channel, JsonObject frame) {
        JsonValue event = frame.get("event");
        JsonValue data = frame.getOrDefault("data", JsonValue.NULL);
        return new Message(channel, event instanceof JsonString name ? name.getString() : "", data, offset(frame, "offset"), jsonb);
    }

    /** A whole number at {@code key}, or -1 when there is none. */
    static long offset(JsonObject object, String key) {
        return object.get(key) instanceof JsonNumber number && number.isIntegral() ? number.longValue() : -1;
    }

    /** The string at {@code key}, or null. */
    static String string(JsonObject object, String key) {
        return object.get(key) instanceof JsonString string ? string.getString() : null;
    }

    /** The object at {@code key}, or null. */
    static JsonObject object(JsonObject object, String key) {
        return object.get(key) instanceof JsonObject inner ? inner : null;
    }
}
