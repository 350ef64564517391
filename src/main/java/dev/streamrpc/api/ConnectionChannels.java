package dev.streamrpc.api;

import java.util.List;
import java.util.Map;

/**
 * One connection's view of the server's channels. Implementations are thread-safe; the
 * built-in {@code subscribe}, {@code unsubscribe} and {@code publish} methods use it.
 */
public interface ConnectionChannels extends Publisher {

    /**
     * Adds an event pattern on a channel for this connection. Subscribing again to a pattern
     * the connection holds changes nothing.
     *
     * @return all of this connection's subscriptions, in the order they were made
     * @throws ChannelException when the channel or pattern is refused
     */
    Map<String, List<String>> subscribe(String channel, String eventPattern);

    /**
     * Removes one event pattern of this connection.
     *
     * @return what remains of this connection's subscriptions
     * @throws ChannelException when the channel has no subscribers on this server, or is invalid
     */
    Map<String, List<String>> unsubscribe(String channel, String eventPattern);

    /** This connection's subscriptions, channels and patterns in the order they were made. */
    Map<String, List<String>> subscriptions();
}
