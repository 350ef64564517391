package dev.streamrpc.broker;

/**
 * Where a channel's stream is: its epoch, and the offset of its last publication (0 when
 * there has been none). The epoch is opaque, the same on every server sharing the broker,
 * and changes whenever the stream's history is lost.
 */
public record StreamState(String epoch, long offset) {
}
