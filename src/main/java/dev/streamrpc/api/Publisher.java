package dev.streamrpc.api;

/**
 * Publishes to a channel. Inject it (or the {@code SocketsManager}) into any bean, resource
 * or job; subscribers cannot tell these messages from a client's.
 */
public interface Publisher {

    /**
     * Publishes {@code data} to every connection with a pattern on {@code channel} that
     * matches {@code event}. The data is encoded once with JSON-B.
     *
     * @param event a plain event name, or {@code null} for none (delivered as {@code ""})
     * @param data any JSON-B-serialisable value, or {@code null}
     * @throws ChannelException when the channel name is not allowed or the broker cannot publish
     */
    void publish(String channel, String event, Object data);
}
