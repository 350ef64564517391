package dev.streamrpc.broker;

/**
 * One publication of a channel's stream: its position (the stream's epoch and the
 * publication's offset, 1 for the first), its event name, and its frame as subscribers
 * receive it, encoded once.
 */
public record Publication(String epoch, long offset, String event, EncodedMessage message) {
}
