package dev.streamrpc.api;

/**
 * CDI event fired when a channel gains its first subscriber on this server (and the broker
 * has been subscribed to it). Observers must not block.
 */
public record ChannelActivated(String channel) {
}
