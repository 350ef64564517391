package dev.streamrpc.broker;

import java.util.concurrent.CompletionStage;

/**
 * Carries publications between the servers that share channels. The hub subscribes a
 * channel when it gains its first local subscriber and unsubscribes it after the last one
 * leaves; every publication the broker receives for a subscribed channel, including those
 * published on this server, goes to the {@link BrokerCallback} given to {@link #start}.
 *
 * <p>No method blocks: each answers with a stage that completes when the broker has done
 * the work (or fails with {@link CannotPublish} or {@link CannotSubscribe}). Publications
 * and calls for different channels may be concurrent; for one channel, the hub never has
 * more than one {@code subscribe} or {@code unsubscribe} outstanding, so a broker may assume
 * they arrive in order.
 */
public interface Broker extends AutoCloseable {

    /**
     * Connects; every inbound publication goes to {@code callback}, on any thread, one at a
     * time per channel. Throws when the broker cannot start (the server then fails to start).
     */
    void start(BrokerCallback callback);

    /**
     * Publishes an encoded message to a channel. The stage completes once the broker has
     * accepted it; it fails with {@link CannotPublish} when the broker cannot take it (not
     * connected, too much unacknowledged, or refused).
     */
    CompletionStage<Void> publish(String channel, String event, EncodedMessage message);

    /**
     * Starts receiving a channel's publications. The stage completes once every publication
     * made after it completes reaches the callback; it fails with {@link CannotSubscribe}.
     */
    CompletionStage<Void> subscribe(String channel);

    /** Stops receiving a channel's publications; the stage completes once the broker confirms. */
    CompletionStage<Void> unsubscribe(String channel);

    /** A short state for health reports: {@code connected}, or for a distributed broker also {@code reconnecting}. */
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

    /** Releases the broker's resources; idempotent. Called after every connection has closed. */
    @Override
    void close();
}
