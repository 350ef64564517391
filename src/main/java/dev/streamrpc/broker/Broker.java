package dev.streamrpc.broker;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Carries publications between the servers that share channels, and keeps each channel's
 * stream: every publication gets the next offset of its channel (one total order per
 * channel, whichever server published it), and the last {@code stream.history.size}
 * publications are held for {@code stream.history.ttl}. The hub subscribes a channel when it
 * gains its first local subscriber and unsubscribes it after the last one leaves; every
 * publication of a subscribed channel, including those published on this server, goes to the
 * {@link BrokerCallback} given to {@link #start}, in offset order.
 *
 * <p>No method blocks: each answers with a stage that completes when the broker has done
 * the work, or fails with {@link CannotPublish} or {@link CannotSubscribe}, at the latest
 * {@code stream.broker.timeout} after the broker's store stopped answering (the timeout is the
 * broker's: time spent queued in this server is not the store's silence). Stages complete on a
 * thread that may call back into the hub (never a client library's I/O thread).
 * Publications and calls for different channels may be concurrent; for one channel, the hub
 * never has more than one {@code subscribe} or {@code unsubscribe} outstanding.
 */
public interface Broker extends AutoCloseable {

    /**
     * Connects; every inbound publication goes to {@code callback}, one at a time per channel,
     * in offset order. Throws when the broker cannot start (the server then fails to start).
     */
    void start(BrokerCallback callback);

    /**
     * Publishes an encoded message to a channel. The stage completes once the broker has
     * stored it with its offset (and kept it in the history, if history is on); it fails with
     * {@link CannotPublish} when the broker cannot take it.
     */
    CompletionStage<Void> publish(String channel, String event, EncodedMessage message);

    /**
     * Starts receiving a channel's publications. The stage completes once every publication
     * after the returned state reaches the callback; it fails with {@link CannotSubscribe}.
     */
    CompletionStage<StreamState> subscribe(String channel);

    /** Stops receiving a channel's publications; the stage completes once the broker confirms. */
    CompletionStage<Void> unsubscribe(String channel);

    /**
     * The publications held after {@code after}, at most {@code limit} of them, and the
     * stream's state; fails with {@link CannotSubscribe} when the broker cannot answer.
     */
    CompletionStage<History> history(String channel, long after, int limit);

    /**
     * A short state for health reports: {@code connected}, or for a distributed broker also
     * {@code reconnecting}, {@code unresponsive} (connected, but not answering) or
     * {@code degraded} (some shards cannot be reached).
     */
    default String state() {
        return "connected";
    }

    /** How many times the broker has reconnected since start; 0 for a broker without a connection. */
    default long reconnects() {
        return 0;
    }

    /**
     * Inbound publications dropped since start because this server could not keep up (the
     * pending-bytes budget was spent); 0 for a broker that refuses publishers instead.
     */
    default long dropped() {
        return 0;
    }

    /** The shards of a sharded broker (Redis Cluster), for health reports; empty otherwise. */
    default List<Shard> shards() {
        return List.of();
    }

    /** Channel subscriptions this broker made again by itself (after a failover, a moved slot, a reconnect). */
    default long resubscriptions() {
        return 0;
    }

    /** Changes of the broker's topology it noticed (Redis Cluster). */
    default long topologyChanges() {
        return 0;
    }

    /**
     * Publications held in every channel's history on this broker now, or -1 when the broker
     * does not know without asking a remote store (Redis keeps the history; see its memory stats).
     */
    default long heldPublications() {
        return -1;
    }

    /** Releases the broker's resources; idempotent. Called after every connection has closed. */
    @Override
    void close();
}
