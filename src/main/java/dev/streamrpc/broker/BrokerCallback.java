package dev.streamrpc.broker;

/**
 * Where a broker hands every inbound publication: the hub's single fan-out path, whichever
 * broker is configured.
 */
@FunctionalInterface
public interface BrokerCallback {

    /**
     * Delivers an inbound publication to the local subscribers of {@code channel}; called
     * one at a time per channel, in offset order. The message's size has been charged to the
     * server's {@link PendingBytes}; the callback releases it once the publication is fanned
     * out or dropped. Never blocks.
     */
    void onPublication(String channel, Publication publication);
}
