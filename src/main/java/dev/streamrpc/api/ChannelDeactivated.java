package dev.streamrpc.api;

/**
 * CDI event fired when a channel loses its last subscriber on this server (and the broker
 * has been unsubscribed from it). Observers must not block.
 */
public record ChannelDeactivated(String channel) {
}
