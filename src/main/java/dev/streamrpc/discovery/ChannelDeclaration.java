package dev.streamrpc.discovery;

import dev.streamrpc.pubsub.EventPattern;

import java.util.List;

/**
 * One {@code @StreamChannel} read at deployment.
 *
 * @param name the declared name or name pattern, as written
 * @param pattern {@code name} compiled, matched against concrete channel names
 * @param declaredBy the bean class that carries the declaration, named in deployment errors
 */
record ChannelDeclaration(String name, EventPattern pattern, String description, List<Event> events, Class<?> declaredBy) {

    /** One declared event of the channel. */
    record Event(String name, EventPattern pattern, Class<?> data, String description) {
    }

    boolean matches(String channel) {
        return pattern.matches(channel);
    }

    /** Whether a declared name is one name rather than a pattern of names. */
    static boolean isLiteral(String name) {
        return name.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '\\');
    }
}
