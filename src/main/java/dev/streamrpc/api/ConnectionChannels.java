package dev.streamrpc.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One connection's view of the server's channels: its subscriptions, and publishing on its
 * behalf (the channel authorizer is asked). Thread-safe; a connection's calls take effect in
 * the order they are made. The built-in {@code subscribe}, {@code unsubscribe} and
 * {@code publish} methods use it.
 */
public interface ConnectionChannels extends Publisher {

    /**
     * Adds an event pattern on a channel for this connection. Subscribing again to a pattern
     * the connection holds changes nothing. The stage completes once the broker receives the
     * channel for this server (at once when another connection here already subscribed it):
     * the connection receives every matching message published after that, and none before.
     * Called by a non-blocking RPC method on the thread that runs it, the method's reply takes
     * its place in the connection's outbound order when the subscription takes effect (the
     * first one, if the method subscribes more than once): what the connection was sent before
     * then goes ahead of the reply, and what the subscription delivers comes after it.
     *
     * @return a stage with all of this connection's subscriptions, in the order they were
     *         made; it fails with a {@link ChannelException} ({@code Cannot subscribe to channel})
     *         when the broker does not confirm the subscription within its timeout
     * @throws ChannelException at once when the channel or pattern is refused
     */
    CompletionStage<Map<String, List<String>>> subscribe(String channel, String eventPattern);

    /**
     * Subscribes as {@link #subscribe} does, with a position (protocol version 2): from now on
     * every message this connection receives on the channel carries its offset, the stage
     * completes with the channel's position, and with {@code since} it also carries every
     * publication after {@code since} that the pattern matches, up to that position (or why
     * not). Nothing is missed between the recovered publications and the live ones, and
     * nothing comes twice.
     *
     * @param since where this connection left off, or null for the position only
     * @return a stage that fails with a {@link ChannelException} ({@code Cannot subscribe to
     *         channel}, or on {@code since}: {@code Invalid position} when it has the current
     *         epoch and an offset after the channel's last publication)
     * @throws ChannelException at once when the channel or pattern is refused
     */
    CompletionStage<PositionedSubscription> subscribeWithPosition(String channel, String eventPattern, StreamPosition since);

    /**
     * Removes one event pattern of this connection; nothing that matches only that pattern is
     * delivered to it afterwards.
     *
     * @return what remains of this connection's subscriptions
     * @throws ChannelException when the channel has no subscribers on this server, or is invalid
     */
    Map<String, List<String>> unsubscribe(String channel, String eventPattern);

    /** This connection's subscriptions, channels and patterns in the order they were made. */
    Map<String, List<String>> subscriptions();
}
