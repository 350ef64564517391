package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcException;
import dev.streamrpc.api.RpcMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.validation.constraints.NotNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The built-in methods of PROTOCOL.md section 4. They are ordinary RPC beans, found by the
 * same registry as application methods. They never block, so they run in the order a
 * connection's requests arrive; {@code subscribe} and {@code publish} answer when the broker
 * has confirmed, and each reply is still sent before anything delivered to the connection
 * after the request arrived.
 */
@ApplicationScoped
public class PubSubMethods {

    /**
     * The payload of {@code subscribe} and {@code unsubscribe}. Values are bound as JSON so
     * that a wrong type gets the protocol's own error, not a binding error.
     */
    public record ChannelRequest(@NotNull JsonValue channel, JsonValue event) {
    }

    /** The payload of {@code publish}. A JSON {@code null} data binds to {@code JsonValue.NULL}, so it is present. */
    public record PublishRequest(@NotNull JsonValue channel, JsonValue event, @NotNull JsonValue data) {
    }

    /** This connection's subscriptions. */
    public record Subscribed(Map<String, List<String>> subscribed) {
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
        return context.channels().subscribe(channel(request.channel(), ErrorTexts.INVALID_CHANNEL), pattern(request.event()))
                .thenApply(Subscribed::new);
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
