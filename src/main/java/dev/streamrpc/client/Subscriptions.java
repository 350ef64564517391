package dev.streamrpc.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The client's subscriptions by channel: which handlers a message goes to, and each channel's
 * position in its stream (protocol version 2), so that after a reconnect every handler sees
 * each message once and in order.
 *
 * <p><b>Positions.</b> Every subscribe asks for {@code position}. A channel whose reply carried
 * one is positioned: the client keeps its epoch and the last offset delivered, drops a message
 * whose offset it has already delivered, and resubscribes with {@code since}. A version 1 server
 * sends no position; then messages are delivered as they come and a reconnect cannot recover.
 *
 * <p><b>Recovery.</b> On a new connection each pattern of a channel is subscribed again. Until
 * the last of those replies, the channel's live messages are held; then the recovered
 * publications of every pattern and the held messages are merged in offset order, without
 * repeats, and delivered. This is what makes several patterns on one channel come out right:
 * each reply recovers only what matched its pattern, up to its own position, while live
 * messages for the patterns already restored keep arriving. The hold lasts one round trip
 * (the subscribe requests of a channel go out back to back). Nothing older comes after the
 * last reply, since the server sends every message at or before a reply's position ahead of
 * it; so from then on only offsets after the highest position are new. Positions compare
 * only within an epoch: when a {@code gap} frame or a reply tells of a new one during the
 * hold, what was held of the old epoch is delivered at once, every subscription is told, and
 * the hold goes on with offsets of the new epoch only.
 *
 * <p><b>Threads.</b> Frames and replies arrive on the connection's thread, one at a time;
 * {@link #removed} comes from application threads. Each channel's state is guarded by its
 * {@link Route}; routes come and go atomically in the map.
 */
final class Subscriptions {

    static final String UNSUPPORTED = "unsupported";
    static final String EPOCH = "epoch";
    static final String REFUSED = "refused";

    /** A resubscribe to send on a new connection, and what to tell about its reply. */
    record Restore(Route route, Recovery recovery, String pattern, Map<String, Object> payload) {
    }

    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    /** Subscribes sent and not yet answered: the server already counts their pattern as held. */
    private final Set<Subscription> joining = ConcurrentHashMap.newKeySet();
    private final HandlerQueue handlers;
    private final Wire wire;
    /**
     * Set by a task queued when the client closes, ahead of the CLOSED state: messages queued
     * after it (read while the close frame was answered) are dropped, so CLOSED is the last
     * thing listeners and handlers hear. Read and written only by tasks of the handler queue,
     * which runs them one at a time.
     */
    private boolean closed;

    Subscriptions(HandlerQueue handlers, Wire wire) {
        this.handlers = handlers;
        this.wire = wire;
    }

    /** The payload of a first subscribe. */
    static Map<String, Object> subscribePayload(String channel, String pattern) {
        return Map.of("channel", channel, "event", pattern, "position", true);
    }

    /** The client is closing: what is queued from now on is not handed to the application. */
    void closing() {
        handlers.execute(() -> closed = true);
    }

    /** A first subscribe is about to be sent: until its reply, its pattern counts as held (see {@link #removed}). */
    void joining(Subscription subscription) {
        joining.add(subscription);
    }

    /** A first subscribe failed: it holds nothing. */
    void abandoned(Subscription subscription) {
        joining.remove(subscription);
    }

    /** A first subscribe succeeded: from now on its handler receives the channel's matching messages. */
    void added(Subscription subscription, JsonValue response) {
        JsonObject position = response instanceof JsonObject reply ? Wire.object(reply, "position") : null;
        routes.compute(subscription.channel(), (channel, route) -> {
            Route held = route == null ? new Route(channel) : route;
            synchronized (held) {
                if (position != null) {
                    held.answered(Wire.string(position, "epoch"), Wire.offset(position, "offset"));
                }
                held.members.add(subscription);
            }
            joining.remove(subscription);   // inside the route's update, so that removed() sees it in one place or the other
            return held;
        });
    }

    /**
     * Forgets a subscription; true when no other one holds its channel and pattern, so the server
     * should be told. A subscribe of the same channel and pattern still waiting for its reply
     * holds it too: the server took it as already held, and an unsubscribe sent now would leave
     * that subscription active with nothing coming.
     */
    boolean removed(Subscription subscription) {
        boolean[] last = {true};
        routes.computeIfPresent(subscription.channel(), (channel, route) -> {
            route.members.remove(subscription);
            last[0] = route.members.stream().noneMatch(other -> other.pattern().equals(subscription.pattern()))
                    && joining.stream().noneMatch(other -> other.channel().equals(channel) && other.pattern().equals(subscription.pattern()));
            return route.members.isEmpty() ? null : route;
        });
        return last[0];
    }

    /** A message frame: handed to the matching handlers, or held while its channel recovers. {@code read} is called once it has been dealt with. */
    void deliver(JsonObject frame, Runnable read) {
        String channel = Wire.string(frame, "channel");
        Route route = routes.get(channel);
        if (route == null) {
            read.run();     // unsubscribed meanwhile
            return;
        }
        Message message = wire.message(channel, frame);
        synchronized (route) {
            if (route.recovery != null) {
                route.recovery.held.add(message);
                read.run();
                return;
            }
            if (!route.advance(message)) {
                read.run();
                return;
            }
        }
        dispatch(route, message, read);
    }

    /**
     * A {@code gap} frame: the server could not deliver some offsets of a channel. Every
     * subscription of the channel is told; with a new epoch, offsets start again (see {@link #newEpoch}).
     */
    void gap(JsonObject frame) {
        String channel = Wire.string(frame, "channel");
        JsonObject gap = Wire.object(frame, "gap");
        Route route = channel == null || gap == null ? null : routes.get(channel);
        if (route == null) {
            return;
        }
        String epoch = Wire.string(gap, "epoch");
        synchronized (route) {
            if (epoch != null) {
                newEpoch(route, epoch);
            } else {
                route.offset = Math.max(route.offset, Wire.offset(gap, "to"));
                tellLost(route.members, "gap");
            }
        }
    }

    /** A new connection: what to subscribe again, channel by channel. Each channel holds its live messages until all its replies are in. */
    List<Restore> restore() {
        List<Restore> restores = new ArrayList<>();
        for (Route route : routes.values()) {
            synchronized (route) {
                Set<String> patterns = new LinkedHashSet<>();
                route.members.forEach(member -> patterns.add(member.pattern()));
                if (patterns.isEmpty()) {
                    continue;
                }
                Recovery recovery = new Recovery(patterns.size(), route.epoch != null);
                route.recovery = recovery;
                for (String pattern : patterns) {
                    Map<String, Object> payload = new LinkedHashMap<>(subscribePayload(route.channel, pattern));
                    if (route.epoch != null) {
                        payload.remove("position");
                        payload.put("since", Map.of("epoch", route.epoch, "offset", route.offset));
                    }
                    restores.add(new Restore(route, recovery, pattern, payload));
                }
            }
        }
        return restores;
    }

    /**
     * The reply to a resubscribe: {@code response} on success, else {@code failure} says why.
     * Subscriptions of that pattern that could not be recovered are told; after the channel's
     * last reply, what was recovered and held is delivered.
     */
    void restored(Restore restore, JsonValue response, String failure) {
        Route route = restore.route();
        List<Message> ready;
        synchronized (route) {
            Recovery recovery = route.recovery;
            if (recovery != restore.recovery()) {
                return;     // from a connection that has since dropped
            }
            String lost = failure;
            if (lost == null) {
                lost = response instanceof JsonObject reply ? take(route, recovery, reply) : UNSUPPORTED;
            }
            if (lost != null) {
                tellLost(route.members.stream().filter(member -> member.pattern().equals(restore.pattern())).toList(), lost);
            }
            if (--recovery.awaiting > 0) {
                return;
            }
            route.recovery = null;
            ready = recovery.finish(route);
        }
        ready.forEach(message -> dispatch(route, message, () -> { }));
    }

    /**
     * The connection dropped. A positioned channel drops what it held, since the next recovery
     * asks again from the same offset; an unpositioned one delivers it, since nothing could.
     */
    void connectionLost() {
        for (Route route : routes.values()) {
            List<Message> ready = List.of();
            synchronized (route) {
                Recovery recovery = route.recovery;
                route.recovery = null;
                if (recovery != null && !recovery.positioned) {
                    ready = recovery.held;
                }
            }
            ready.forEach(message -> dispatch(route, message, () -> { }));
        }
    }

    /** Takes in one successful resubscribe reply; returns why its pattern lost messages, or null when it recovered all or was told already. */
    private String take(Route route, Recovery recovery, JsonObject reply) {
        JsonObject at = Wire.object(reply, "position");
        if (at == null) {
            return UNSUPPORTED;
        }
        String epoch = Wire.string(at, "epoch");
        newEpoch(route, epoch);
        recovery.answered(epoch, Wire.offset(at, "offset"));
        if (!recovery.positioned) {
            return UNSUPPORTED;
        }
        if (reply.get("recovered") != JsonValue.TRUE) {
            String reason = Wire.string(reply, "reason");
            if (EPOCH.equals(reason) && recovery.epochChanged) {
                return null;    // every subscription was told when the epoch changed
            }
            return reason == null ? "unknown" : reason;
        }
        reply.getOrDefault("publications", JsonValue.EMPTY_JSON_ARRAY).asJsonArray().stream()
                .filter(JsonObject.class::isInstance)
                .forEach(publication -> recovery.held.add(wire.message(route.channel, publication.asJsonObject())));
        return null;
    }

    /**
     * Under the route's lock: the server reports the channel in {@code epoch}, by a {@code gap}
     * frame or a resubscribe's reply, whichever comes first. When that is a new epoch, what a
     * recovery held of the old one is delivered (nothing more of it can come), every
     * subscription is told once, and offsets start again: the old epoch's offsets say nothing
     * about the new one's. A first subscribe's reply does not come here (see {@link Route#answered}).
     */
    private void newEpoch(Route route, String epoch) {
        if (route.epoch == null || epoch == null || epoch.equals(route.epoch)) {
            return;
        }
        Recovery recovery = route.recovery;
        if (recovery != null) {
            recovery.ordered(route.offset).forEach(message -> dispatch(route, message, () -> { }));
            recovery.restart();
        }
        route.epoch = epoch;
        route.offset = 0;
        tellLost(route.members, EPOCH);
    }

    /** Hands a message to the handlers whose pattern matches it, each handler once, then calls {@code read}. */
    private void dispatch(Route route, Message message, Runnable read) {
        List<Subscription> targets = new ArrayList<>(1);
        for (Subscription member : route.members) {
            if (member.matches(message.event()) && targets.stream().noneMatch(t -> t.handler() == member.handler())) {
                targets.add(member);
            }
        }
        if (targets.isEmpty()) {
            read.run();
            return;
        }
        handlers.execute(() -> {
            try {
                if (!closed) {
                    targets.forEach(target -> HandlerQueue.isolated(() -> target.handle(message)));
                }
            } finally {
                read.run();
            }
        });
    }

    private void tellLost(List<Subscription> subscriptions, String reason) {
        subscriptions.forEach(subscription -> handlers.execute(() -> {
            if (!closed) {
                subscription.lost(reason);
            }
        }));
    }

    /** One channel: its subscriptions and its position. Fields other than {@code members} are guarded by the route. */
    static final class Route {
        final String channel;
        final List<Subscription> members = new CopyOnWriteArrayList<>();
        /** Null until the server reports a position: a version 1 server never does. */
        String epoch;
        /** The last offset delivered, or known to be behind us. */
        long offset;
        /** Non-null while resubscribing after a reconnect. */
        Recovery recovery;

        Route(String channel) {
            this.channel = channel;
        }

        /**
         * A first subscribe's reply: the server sent everything of the channel up to this
         * position ahead of it, so nothing at or before it is still to come. A position in
         * another epoch is not taken: the connection already holds the channel, so the server
         * tells it of the new epoch with a {@code gap} frame, and until then what it delivers
         * here is of the old one.
         */
        void answered(String at, long position) {
            if (epoch == null) {
                epoch = at;
                offset = position;
            } else if (epoch.equals(at)) {
                if (recovery != null) {
                    recovery.answered(at, position);   // the held messages are ordered from the offset resumed since
                } else {
                    offset = Math.max(offset, position);
                }
            }
        }

        /** True if the message is to be delivered: it has no offset, or one after the last delivered, which it becomes. */
        boolean advance(Message message) {
            long at = message.rawOffset();
            if (epoch == null || at < 0) {
                return true;
            }
            if (at <= offset) {
                return false;
            }
            offset = at;
            return true;
        }
    }

    /** The resubscribes of one channel on one connection, and what they brought back. Guarded by its route. */
    static final class Recovery {
        int awaiting;
        /** True when the channel had a position to resubscribe since. */
        final boolean positioned;
        /** Recovered and live messages of the route's epoch, as they came. */
        final List<Message> held = new ArrayList<>();
        /** The epoch the replies answered, for a channel that had none. */
        String epoch;
        /** The highest offset answered in the route's epoch, or -1. */
        long position = -1;
        /** True once the epoch changed during this recovery, which every subscription was told. */
        boolean epochChanged;

        Recovery(int awaiting, boolean positioned) {
            this.awaiting = awaiting;
            this.positioned = positioned;
        }

        void answered(String at, long offset) {
            epoch = at;
            position = Math.max(position, offset);
        }

        /** The epoch changed: what was held is gone, and positions answered in the old epoch no longer count. */
        void restart() {
            held.clear();
            position = -1;
            epochChanged = true;
        }

        /** What is held, in offset order after {@code after} and without repeats; as it came when some message has no offset. */
        List<Message> ordered(long after) {
            if (held.stream().anyMatch(message -> message.rawOffset() < 0)) {
                return held;
            }
            held.sort(Comparator.comparingLong(Message::rawOffset));
            List<Message> ready = new ArrayList<>(held.size());
            long last = after;
            for (Message message : held) {
                if (message.rawOffset() > last) {
                    ready.add(message);
                    last = message.rawOffset();
                }
            }
            return ready;
        }

        /** The messages to deliver once every reply is in; moves the route's position on. */
        List<Message> finish(Route route) {
            if (epoch != null) {
                route.epoch = epoch;
            }
            if (route.epoch == null) {
                return held;    // no offsets to order by: as they came
            }
            List<Message> ready = ordered(route.offset);
            ready.forEach(route::advance);
            route.offset = Math.max(route.offset, position);
            return ready;
        }
    }
}
