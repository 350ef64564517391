package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.broker.CannotSubscribe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One registered connection: its subscriptions in the order it made them, and its view of
 * the {@link SocketsManager}. Its own state is guarded by its monitor, held only briefly; the
 * hub's channel transitions run inside it (lock order: member, then channel), and fan-out
 * takes neither.
 */
final class Member implements ConnectionChannels {

    private static final String NOT_ALLOWED = "Not allowed";

    private final Subscriber subscriber;
    private final SocketsManager manager;
    private final Hub hub;
    private final LinkedHashMap<String, LinkedHashSet<String>> subscriptions = new LinkedHashMap<>();
    private int patterns;
    private boolean closed;

    Member(Subscriber subscriber, SocketsManager manager, Hub hub) {
        this.subscriber = subscriber;
        this.manager = manager;
        this.hub = hub;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    @Override
    public Map<String, List<String>> subscribe(String channel, String eventPattern) {
        manager.checkChannel(channel);
        EventPattern pattern = compile(eventPattern);
        synchronized (this) {
            Set<String> held = subscriptions.get(channel);
            if (closed || (held != null && held.contains(eventPattern))) {
                return snapshotLocked();
            }
            if (!manager.authorizer().maySubscribe(subscriber.principal(), channel, eventPattern)) {
                throw new ChannelException("channel", NOT_ALLOWED);
            }
            if (patterns >= manager.maxSubscriptions()) {
                throw new ChannelException("channel", "Too many subscriptions");
            }
            try {
                hub.add(this, channel, pattern);
            } catch (CannotSubscribe e) {
                throw new ChannelException("channel", "Cannot subscribe to channel", e);
            }
            subscriptions.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(eventPattern);
            patterns++;
            return snapshotLocked();
        }
    }

    @Override
    public Map<String, List<String>> unsubscribe(String channel, String eventPattern) {
        manager.checkChannel(channel);
        compile(eventPattern);
        if (!hub.hasSubscribers(channel)) {
            throw new ChannelException("channel", "Invalid channel");
        }
        synchronized (this) {
            Set<String> held = subscriptions.get(channel);
            if (held != null && held.remove(eventPattern)) {
                patterns--;
                if (held.isEmpty()) {
                    subscriptions.remove(channel);
                }
                hub.remove(this, channel, eventPattern);
            }
            return snapshotLocked();
        }
    }

    @Override
    public synchronized Map<String, List<String>> subscriptions() {
        return snapshotLocked();
    }

    /** A client's publication: the authorizer is asked first. */
    @Override
    public void publish(String channel, String event, Object data) {
        if (channel != null && !manager.authorizer().mayPublish(subscriber.principal(), channel, event)) {
            throw new ChannelException("channel", NOT_ALLOWED);
        }
        manager.publish(channel, event, data);
    }

    /** Drops every subscription at once; later subscribes change nothing. */
    void leave() {
        synchronized (this) {
            closed = true;
            subscriptions.forEach((channel, held) -> held.forEach(pattern -> hub.remove(this, channel, pattern)));
            subscriptions.clear();
            patterns = 0;
        }
    }

    private Map<String, List<String>> snapshotLocked() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        subscriptions.forEach((channel, held) -> copy.put(channel, List.copyOf(new ArrayList<>(held))));
        return copy;
    }

    private static EventPattern compile(String eventPattern) {
        try {
            return EventPattern.compile(eventPattern);
        } catch (EventPattern.Malformed e) {
            throw new ChannelException("event", "Invalid event pattern");
        }
    }
}
