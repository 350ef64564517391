package dev.streamrpc.broker;

/**
 * The single path by which publications reach the hub, whatever the broker.
 */
@FunctionalInterface
public interface BrokerCallback {

    /** Delivers an inbound publication to the local subscribers of {@code channel}. */
    void onPublication(String channel, String event, EncodedMessage message);
}
