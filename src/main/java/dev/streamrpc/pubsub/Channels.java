package dev.streamrpc.pubsub;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Every channel with subscribers on this server, by name, and the broker's one inbound path:
 * each publication goes to its {@link Channel}, which fans it out. A channel is created by
 * its first join and removed once its broker subscription has ended with nobody left; joins
 * that race with the removal start a new one.
 */
final class Channels implements BrokerCallback {

    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final Broker broker;
    private final Duration brokerTimeout;
    private final PendingBytes pending;
    private final Consumer<Object> events;

    Channels(Broker broker, Duration brokerTimeout, PendingBytes pending, Consumer<Object> events) {
        this.broker = broker;
        this.brokerTimeout = brokerTimeout;
        this.pending = pending;
        this.events = events;
    }

    /** Adds a member's pattern; the future completes once the member receives the channel (or fails). */
    CompletableFuture<Void> join(String name, Subscriptions member, EventPattern pattern) {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        while (true) {
            Channel channel = channels.computeIfAbsent(name, n -> new Channel(n, this));
            if (channel.submit(() -> channel.join(member, pattern, joined))) {
                return joined;
            }
            channels.remove(name, channel);   // retired under us: make way for a new one
        }
    }

    /** Removes a member's pattern, if the channel still has it. */
    void leave(String name, Subscriptions member, String pattern) {
        Channel channel = channels.get(name);
        if (channel != null) {
            channel.submit(() -> channel.leave(member, pattern));
        }
    }

    @Override
    public void onPublication(String name, String event, EncodedMessage message) {
        Channel channel = channels.get(name);
        if (channel == null || !channel.submit(() -> channel.publish(event, message))) {
            fannedOut(message);   // nobody here subscribes to it any more
        }
    }

    boolean hasSubscribers(String name) {
        return channels.containsKey(name);
    }

    // ---------------------------------------------------------------- for channels

    Broker broker() {
        return broker;
    }

    Duration brokerTimeout() {
        return brokerTimeout;
    }

    void fire(Object event) {
        events.accept(event);
    }

    void delivered(int count) {
        delivered.add(count);
    }

    /** The publication has left the hub: its bytes no longer count as pending. */
    void fannedOut(EncodedMessage message) {
        pending.release(message.size());
    }

    void retired(Channel channel) {
        channels.remove(channel.name(), channel);
    }

    // ---------------------------------------------------------------- reading

    /** Messages handed to connections' outboxes since start. */
    long delivered() {
        return delivered.sum();
    }

    /** Channels with local subscribers (or on their way to or from the broker). */
    int count() {
        return channels.size();
    }

    /** Event patterns held by local connections, over all channels. */
    long patterns() {
        long count = 0;
        for (Channel channel : channels.values()) {
            for (int held : channel.patternCounts().values()) {
                count += held;
            }
        }
        return count;
    }

    /** Each channel with local subscribers, its patterns (sorted) and how many connections hold each. */
    Map<String, Map<String, Integer>> patternCounts() {
        Map<String, Map<String, Integer>> result = new TreeMap<>();
        channels.forEach((name, channel) -> {
            Map<String, Integer> counts = channel.patternCounts();
            if (!counts.isEmpty()) {
                result.put(name, new TreeMap<>(counts));
            }
        });
        return result;
    }
}
