package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One channel's local subscribers and their event patterns.
 *
 * <p>Writes happen only inside the hub's per-channel transition (a {@code ConcurrentHashMap}
 * compute), so they are serialised; fan-out reads without any lock. Each connection's
 * patterns are an immutable array replaced on change, so a reader sees a whole set.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

    private final ConcurrentHashMap<Member, EventPattern[]> subscribers = new ConcurrentHashMap<>();

    /** Adds a pattern for a member; the caller has checked that the member does not hold it. */
    void add(Member member, EventPattern pattern) {
        subscribers.merge(member, new EventPattern[] {pattern}, (held, added) -> {
            EventPattern[] grown = Arrays.copyOf(held, held.length + 1);
            grown[held.length] = added[0];
            return grown;
        });
    }

    void remove(Member member, String pattern) {
        subscribers.computeIfPresent(member, (m, held) -> {
            EventPattern[] kept = Arrays.stream(held).filter(p -> !p.source().equals(pattern)).toArray(EventPattern[]::new);
            return kept.length == 0 ? null : kept;
        });
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    /**
     * Delivers an encoded message once to every member holding at least one pattern that
     * matches the event. One subscriber's failure is logged and does not stop the rest.
     */
    void fanOut(String event, EncodedMessage message) {
        for (Map.Entry<Member, EventPattern[]> entry : subscribers.entrySet()) {
            if (matchesAny(entry.getValue(), event)) {
                try {
                    entry.getKey().subscriber().deliver(message);
                } catch (RuntimeException e) {
                    LOG.warn("Delivery to connection {} failed", entry.getKey().subscriber().id(), e);
                }
            }
        }
    }

    private static boolean matchesAny(EventPattern[] patterns, String event) {
        for (EventPattern pattern : patterns) {
            if (pattern.matches(event)) {
                return true;
            }
        }
        return false;
    }

    /** Each pattern and how many members hold it, sorted by pattern. */
    Map<String, Integer> patternCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (EventPattern[] patterns : subscribers.values()) {
            for (EventPattern pattern : patterns) {
                counts.merge(pattern.source(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
