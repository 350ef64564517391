package dev.streamrpc.pubsub;

/** What the hub has done since start, and what it holds now; for metrics. Reading takes no lock. */
public interface PubSubStats {

    /** Publications the broker accepted from this server. */
    long published();

    /** Messages handed to local connections (one per connection per publication). */
    long delivered();

    /** Channels with local subscribers. */
    int channels();

    /** Event patterns held by local connections, over all channels. */
    long subscriptions();

    /** Times the broker reconnected since start. */
    long brokerReconnects();

    /** Inbound publications the broker dropped because this server could not keep up. */
    long brokerDropped();

    /** Bytes of publications on their way now (unacknowledged, or not yet fanned out). */
    long pendingBytes();
}
