package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.PositionedSubscription;
import dev.streamrpc.api.Recovery;
import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcException;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.api.StreamPosition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.validation.constraints.NotNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The built-in methods of PROTOCOL.md section 4. They are ordinary RPC beans, found by the
 * same registry as application methods. They never block, so they run in the order a
 * connection's requests arrive; {@code subscribe} and {@code publish} answer when the broker
 * has confirmed, and each reply is still sent before anything delivered to the connection
 * after the request arrived ({@code subscribe}'s: after its subscription took effect, so that
 * its position holds; see {@link Subscriber#replyHere}).
 */
@ApplicationScoped
public class PubSubMethods {

    /**
     * The payload of {@code subscribe} and {@code unsubscribe}. Values are bound as JSON so
     * that a wrong type gets the protocol's own error, not a binding error. {@code position}
     * and {@code since} (version 2) are read by {@code subscribe} only.
     */
    public record ChannelRequest(@NotNull JsonValue channel, JsonValue event, JsonValue position, JsonValue since) {
    }

    /** The payload of {@code publish}. A JSON {@code null} data binds to {@code JsonValue.NULL}, so it is present. */
    public record PublishRequest(@NotNull JsonValue channel, JsonValue event, @NotNull JsonValue data) {
    }

    /**
     * This connection's subscriptions; with a position (version 2) also the channel's
     * position, and with {@code since} what was recovered. JSON-B leaves out what is null.
     */
    @JsonbPropertyOrder({"subscribed", "position", "recovered", "reason", "publications"})
    public record Subscribed(Map<String, List<String>> subscribed, StreamPosition position, Boolean recovered,
                             String reason, List<Recovery.Publication> publications) {

        Subscribed(Map<String, List<String>> subscribed) {
            this(subscribed, null, null, null, null);
        }

        Subscribed(PositionedSubscription subscription) {
            this(subscription.subscribed(), subscription.position(),
                    subscription.recovery() == null ? null : subscription.recovery().recovered(),
                    subscription.recovery() == null ? null : subscription.recovery().reason(),
                    subscription.recovery() == null ? null : subscription.recovery().publications());
        }
    }

    /** The reply to {@code publish}; {@code event} is {@code JsonValue.NULL} when none was given. */
    @JsonbPropertyOrder({"channel", "event", "data"})
    public record Published(String channel, Object event, JsonValue data) {
    }

    @Inject
    SocketsManager sockets;

    @Inject
    PublicationValidator validator;

    @RpcMethod(blocking = false)
    public CompletionStage<Subscribed> subscribe(ChannelRequest request, RpcContext context) {
        boolean position = position(request);
        StreamPosition since = since(request.since());
        String channel = channel(request.channel(), ErrorTexts.INVALID_CHANNEL);
        String pattern = pattern(request.event());
        if (!position && since == null) {
            return context.channels().subscribe(channel, pattern).thenApply(Subscribed::new);
        }
        return context.channels().subscribeWithPosition(channel, pattern, since).thenApply(Subscribed::new);
    }

    @RpcMethod(blocking = false)
    public Subscribed unsubscribe(ChannelRequest request, RpcContext context) {
        return new Subscribed(context.channels().unsubscribe(channel(request.channel(), ErrorTexts.INVALID_CHANNEL), pattern(request.event())));
    }

    @RpcMethod(blocking = false)
    public CompletionStage<Published> publish(PublishRequest request, RpcContext context) {
        String channel = channel(request.channel(), ErrorTexts.CANNOT_PUBLISH);
        String event = event(request.event());
        validator.check(channel, event, request.data());
        Published reply = new Published(channel, event == null ? JsonValue.NULL : event, request.data());
        return context.channels().publish(channel, event, request.data()).thenApply(published -> reply);
    }

    @RpcMethod(blocking = false)
    public ServerInfo serverInfo() {
        return sockets.serverInfo();
    }

    /** Whether positions were asked for: {@code "position": true}, or a {@code since} (which implies it). */
    private static boolean position(ChannelRequest request) {
        JsonValue position = request.position();
        boolean asked = position != null && position.getValueType() == JsonValue.ValueType.TRUE;
        if (position != null && !asked && position.getValueType() != JsonValue.ValueType.FALSE) {
            throw RpcException.invalidParameter("position", ErrorTexts.MUST_BE_A_BOOLEAN);
        }
        return asked || request.since() != null && request.since().getValueType() != JsonValue.ValueType.NULL;
    }

    /**
     * {@code since} as a position, or null when absent; an object with a string epoch and an
     * offset >= 0 written as a plain integer.
     */
    private static StreamPosition since(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonObject since && since.get("epoch") instanceof JsonString epoch
                && since.get("offset") instanceof JsonNumber offset && writtenAsInteger(offset)) {
            try {
                long whole = offset.longValueExact();
                if (whole >= 0) {
                    return new StreamPosition(epoch.getString(), whole);
                }
            } catch (ArithmeticException tooLarge) {
                // refused below
            }
        }
        throw RpcException.invalidParameter("since", ErrorTexts.INVALID_POSITION);
    }

    /**
     * Whether a number was written without fraction or exponent (PROTOCOL.md section 8: 37, not
     * 37.0, 3.7e1 or 37E0). Its value cannot tell, as 3.7e1 and 37E0 parse to the same scale-0
     * BigDecimal as 37; the parser's choice of type can: Parsson makes an Integer or a Long of a
     * plain integer of up to 18 digits and a BigDecimal of anything else, so a BigDecimal passes
     * only as a whole number of the 19 digits or more that a plain integer must then have. (Only
     * a written exponent that cancels a fraction of 19 digits or more, 1.000000000000000000e18,
     * still passes.)
     */
    private static boolean writtenAsInteger(JsonNumber number) {
        Number value = number.numberValue();
        return value instanceof Integer || value instanceof Long
                || value instanceof BigDecimal decimal && decimal.scale() == 0 && decimal.precision() >= 19;
    }

    private static String channel(JsonValue value, String refusal) {
        if (value instanceof JsonString name) {
            return name.getString();
        }
        throw new ChannelException("channel", refusal);
    }

    private static String pattern(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return "*";
        }
        if (value instanceof JsonString pattern) {
            return pattern.getString();
        }
        throw new ChannelException("event", ErrorTexts.INVALID_EVENT_PATTERN);
    }

    private static String event(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString name) {
            return name.getString();
        }
        throw RpcException.invalidParameter("event", ErrorTexts.MUST_BE_A_STRING);
    }
}
