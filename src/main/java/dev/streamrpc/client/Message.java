package dev.streamrpc.client;

import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;

import java.util.OptionalLong;

/**
 * A message published on a channel, as handed to a subscription's handler. Immutable.
 */
public final class Message {

    private final String channel;
    private final String event;
    private final JsonValue data;
    private final long offset;      // -1 when the server sent none
    private final Jsonb jsonb;

    Message(String channel, String event, JsonValue data, long offset, Jsonb jsonb) {
        this.channel = channel;
        this.event = event;
        this.data = data;
        this.offset = offset;
        this.jsonb = jsonb;
    }

    /** The channel it was published on. */
    public String channel() {
        return channel;
    }

    /** The event name it was published with; empty when it was published without one. */
    public String event() {
        return event;
    }

    /** The published data as JSON; {@link JsonValue#NULL} for {@code null}. */
    public JsonValue data() {
        return data;
    }

    /**
     * The published data bound to a type with the client's JSON-B.
     *
     * @param type a type JSON-B can bind, such as a record
     * @throws jakarta.json.bind.JsonbException when the data does not fit the type
     */
    public <T> T data(Class<T> type) {
        return jsonb.fromJson(data.toString(), type);
    }

    /**
     * The message's offset in its channel's stream (version 2 of the protocol); empty when the
     * server does not report positions.
     */
    public OptionalLong offset() {
        return offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    /** The offset, or -1 when there is none. */
    long rawOffset() {
        return offset;
    }

    @Override
    public String toString() {
        return "Message[" + channel + " " + event + (offset < 0 ? "" : " @" + offset) + ": " + data + "]";
    }
}
