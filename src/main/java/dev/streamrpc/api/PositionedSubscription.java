package dev.streamrpc.api;

import java.util.List;
import java.util.Map;

/**
 * A subscription made with a position: all of the connection's subscriptions, the channel's
 * position (every message delivered on the channel afterwards has a later offset, and
 * carries it), and, when asked for with {@code since}, what was recovered.
 *
 * @param recovery null when no {@code since} was given
 */
public record PositionedSubscription(Map<String, List<String>> subscribed, StreamPosition position, Recovery recovery) {
}
