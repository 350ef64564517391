package dev.streamrpc.broker;

import java.util.List;

/**
 * What a broker holds of a channel's stream after an offset: the stream's state now, and the
 * publications it still holds after that offset, in offset order (possibly with holes where
 * publications were trimmed or are too old, and without the newest when a limit cut them off).
 */
public record History(StreamState state, List<Publication> publications) {
}
