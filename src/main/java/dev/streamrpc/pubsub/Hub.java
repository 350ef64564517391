package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The local subscriptions of every channel, and fan-out. A channel's first-subscriber and
 * last-subscriber transitions, with the broker's subscribe and unsubscribe, happen inside one
 * {@code ConcurrentHashMap.compute} for that channel: two concurrent first subscribers cannot
 * lose a subscription, and no lock is held while sending (delivery only queues).
 */
final class Hub implements BrokerCallback {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final Broker broker;
    private final Consumer<Object> events;

    Hub(Broker broker, Consumer<Object> events) {
        this.broker = broker;
        this.events = events;
    }

    /** Adds a member's pattern; subscribes the broker when the channel gains its first subscriber. */
    void add(Member member, String name, EventPattern pattern) throws CannotSubscribe {
        boolean[] activated = {false};
        try {
            channels.compute(name, (key, channel) -> {
                Channel target = channel;
                if (target == null) {
                    try {
                        broker.subscribe(key);
                    } catch (CannotSubscribe e) {
                        throw new Refused(e);
                    }
                    target = new Channel();
                    activated[0] = true;
                }
                target.add(member, pattern);
                return target;
            });
        } catch (Refused refused) {
            throw refused.cause;
        }
        broker.eventSubscribed(name, pattern.source());
        if (activated[0]) {
            events.accept(new ChannelActivated(name));
        }
    }

    /** Removes a member's pattern; unsubscribes the broker after the channel's last subscriber leaves. */
    void remove(Member member, String name, String pattern) {
        boolean[] deactivated = {false};
        channels.computeIfPresent(name, (key, channel) -> {
            channel.remove(member, pattern);
            if (!channel.isEmpty()) {
                return channel;
            }
            try {
                broker.unsubscribe(key);
            } catch (RuntimeException e) {
                LOG.warn("Broker failed to unsubscribe channel {}", key, e);
            }
            deactivated[0] = true;
            return null;
        });
        broker.eventUnsubscribed(name, pattern);
        if (deactivated[0]) {
            events.accept(new ChannelDeactivated(name));
        }
    }

    boolean hasSubscribers(String name) {
        return channels.containsKey(name);
    }

    @Override
    public void onPublication(String name, String event, EncodedMessage message) {
        Channel channel = channels.get(name);
        if (channel != null) {
            delivered.add(channel.fanOut(event, message));
        }
    }

    /** Messages handed to connections' outboxes since start. */
    long delivered() {
        return delivered.sum();
    }

    /** Channels with local subscribers. */
    int channels() {
        return channels.size();
    }

    /** Event patterns held by local connections, over all channels. */
    long patterns() {
        long count = 0;
        for (Channel channel : channels.values()) {
            count += channel.patterns();
        }
        return count;
    }

    /** Each channel with local subscribers, its patterns and how many connections hold each. */
    Map<String, Map<String, Integer>> patternCounts() {
        Map<String, Map<String, Integer>> result = new TreeMap<>();
        channels.forEach((name, channel) -> {
            Map<String, Integer> counts = channel.patternCounts();
            if (!counts.isEmpty()) {
                result.put(name, counts);
            }
        });
        return result;
    }

    /** Carries the broker's checked refusal out of the compute function. */
    private static final class Refused extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient CannotSubscribe cause;

        Refused(CannotSubscribe cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }
}
