package dev.streamrpc.api;

/**
 * CDI event fired once when a connection has closed and its subscriptions are gone.
 * Observers must not block; an observer's failure is logged and ignored.
 */
public record ConnectionClosed(String connectionId) {
}
