package dev.streamrpc.api;

/**
 * CDI event fired when a connection has opened. Observers run on the thread that opened
 * the connection and must not block; an observer's failure is logged and ignored.
 */
public record ConnectionOpened(String connectionId) {
}
