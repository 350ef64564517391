package dev.streamrpc.pubsub;

import java.util.Map;

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

    /** Channel subscriptions the broker made again by itself (Redis Cluster: failovers, moved slots). */
    long brokerResubscriptions();

    /** Topology changes the broker noticed (Redis Cluster). */
    long brokerTopologyChanges();

    /** Inbound publications the broker dropped because this server could not keep up. */
    long brokerDropped();

    /** Bytes of publications on their way now (unacknowledged, or not yet fanned out). */
    long pendingBytes();

    /** Publications held in the history (all channels), or -1 when the broker keeps it elsewhere (Redis). */
    long heldPublications();

    /** Publications read from the history to fill a skip in a channel's feed. */
    long gapsFilled();

    /** Gaps and epoch changes announced to positioned subscribers. */
    long gapsAnnounced();

    /** Subscribes with {@code since} by result: {@code recovered}, or the reason ({@code epoch}, {@code trimmed}, ...). */
    Map<String, Long> recoveries();
}
