package dev.streamrpc.api;

import java.util.concurrent.CompletionStage;

/**
 * Publishes to a channel. Inject it (or the {@code SocketsManager}) into any bean, resource
 * or job; subscribers cannot tell these messages from a client's. The channel authorizer is
 * not asked: application code is trusted.
 */
public interface Publisher {

    /**
     * Publishes {@code data} to every connection with a pattern on {@code channel} that
     * matches {@code event}. The data is encoded once with JSON-B. The returned stage
     * completes once the broker has accepted the publication (for Redis: once Redis has it)
     * and this server's fan-out of the channel has caught up with what it had queued, or
     * fails with a {@link ChannelException} ({@code Cannot publish to channel}) when the broker
     * cannot take it; nothing is acknowledged before it happened. Never blocks.
     *
     * @param event a plain event name of at most 256 characters, or {@code null} for none (delivered as {@code ""})
     * @param data any JSON-B-serialisable value, or {@code null}
     * @throws ChannelException at once when the channel name is not allowed or the event is too long
     */
    CompletionStage<Void> publish(String channel, String event, Object data);
}
