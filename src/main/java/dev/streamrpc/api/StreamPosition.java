package dev.streamrpc.api;

/**
 * A position in a channel's stream: its epoch (opaque, changes when the stream's history is
 * lost) and an offset (1 for the stream's first publication; 0 before any).
 */
public record StreamPosition(String epoch, long offset) {
}
