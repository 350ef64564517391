package dev.streamrpc.pubsub;

import jakarta.json.JsonValue;

/**
 * Checks a client's publication before it is published: the seam through which declared
 * channel types ({@code @StreamChannel}, with {@code stream.channels.validate=true}) refuse
 * data that does not fit them. Application code publishing through {@code Publisher} is not
 * checked.
 */
public interface PublicationValidator {

    /**
     * @param event the event name, or null for none
     * @throws dev.streamrpc.api.RpcException {@code Invalid RPC parameters} with field errors
     */
    void check(String channel, String event, JsonValue data);
}
