package dev.streamrpc.pubsub;

/** What the hub has done since start, and what it holds now; for metrics. */
public interface HubStats {

    /** Publications accepted by the broker on this server. */
    long published();

    /** Messages handed to local connections (one per connection per publication). */
    long delivered();

    /** Channels with local subscribers. */
    int channels();

    /** Event patterns held by local connections, over all channels. */
    long subscriptions();

    /** Times the broker reconnected since start. */
    long brokerReconnects();
}
