package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One channel's local subscribers and their event patterns.
 *
 * <p>The subscribers are an immutable array, replaced whole on every change (copy on write).
 * Writes happen only inside the hub's per-channel transition, so they are serialised; fan-out
 * reads one snapshot without any lock, so it visits each connection exactly once even while
 * others subscribe and unsubscribe. (Iterating a concurrent map instead could visit a
 * connection twice when it left and came back during the iteration.) Changes cost a copy,
 * which is paid per subscribe, not per message.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);
    private static final Subscription[] NONE = new Subscription[0];

    /** One member's patterns on this channel. */
    private record Subscription(Member member, EventPattern[] patterns) {

        boolean matches(String event) {
            for (EventPattern pattern : patterns) {
                if (pattern.matches(event)) {
                    return true;
                }
            }
            return false;
        }
    }

    private volatile Subscription[] subscriptions = NONE;

    /** Adds a pattern for a member; the caller has checked that the member does not hold it. */
    void add(Member member, EventPattern pattern) {
        Subscription[] current = subscriptions;
        int at = indexOf(current, member);
        if (at < 0) {
            Subscription[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = new Subscription(member, new EventPattern[] {pattern});
            subscriptions = grown;
            return;
        }
        EventPattern[] held = current[at].patterns();
        EventPattern[] patterns = Arrays.copyOf(held, held.length + 1);
        patterns[held.length] = pattern;
        Subscription[] changed = current.clone();
        changed[at] = new Subscription(member, patterns);
        subscriptions = changed;
    }

    void remove(Member member, String pattern) {
        Subscription[] current = subscriptions;
        int at = indexOf(current, member);
        if (at < 0) {
            return;
        }
        EventPattern[] kept = Arrays.stream(current[at].patterns())
                .filter(p -> !p.source().equals(pattern)).toArray(EventPattern[]::new);
        if (kept.length > 0) {
            Subscription[] changed = current.clone();
            changed[at] = new Subscription(member, kept);
            subscriptions = changed;
            return;
        }
        Subscription[] shrunk = new Subscription[current.length - 1];
        System.arraycopy(current, 0, shrunk, 0, at);
        System.arraycopy(current, at + 1, shrunk, at, current.length - at - 1);
        subscriptions = shrunk;
    }

    private static int indexOf(Subscription[] subscriptions, Member member) {
        for (int i = 0; i < subscriptions.length; i++) {
            if (subscriptions[i].member() == member) {
                return i;
            }
        }
        return -1;
    }

    boolean isEmpty() {
        return subscriptions.length == 0;
    }

    /** Event patterns held on this channel, counting each connection's separately. */
    int patterns() {
        int count = 0;
        for (Subscription subscription : subscriptions) {
            count += subscription.patterns().length;
        }
        return count;
    }

    /**
     * Delivers an encoded message once to every member holding at least one pattern that
     * matches the event. One subscriber's failure is logged and does not stop the rest.
     *
     * @return how many connections it was handed to
     */
    int fanOut(String event, EncodedMessage message) {
        int delivered = 0;
        for (Subscription subscription : subscriptions) {
            if (subscription.matches(event)) {
                Subscriber subscriber = subscription.member().subscriber();
                try {
                    subscriber.deliver(message);
                    delivered++;
                } catch (RuntimeException e) {
                    LOG.warn("Delivery to connection {} failed", subscriber.id(), e);
                }
            }
        }
        return delivered;
    }

    /** Each pattern and how many members hold it, sorted by pattern. */
    Map<String, Integer> patternCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Subscription subscription : subscriptions) {
            for (EventPattern pattern : subscription.patterns()) {
                counts.merge(pattern.source(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
