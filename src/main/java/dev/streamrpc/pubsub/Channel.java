package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One channel with subscribers on this server: who holds which patterns, the channel's
 * broker subscription, and fan-out.
 *
 * <p><b>Serialised without holding a lock across work.</b> Every change (a member joins or
 * leaves, the broker answers) and every publication is an operation queued on the channel;
 * the thread that finds nobody applying the queue applies it, to the end, and everyone else
 * only queues and returns. So fan-out walks plain arrays that nothing changes under it (each
 * member reached once per publication), joins and leaves are O(1) (swap-remove), and all
 * local subscribers see the channel's publications in one order. The only lock guards the
 * queue itself, for a few instructions.
 *
 * <p><b>The broker subscription is a state, not a held lock.</b> The first member moves the
 * channel from NEW to SUBSCRIBING and asks the broker; members that join meanwhile wait for
 * the same confirmation (their futures complete with it), nobody blocks, and nothing is
 * delivered until the channel is ACTIVE. A broker that does not confirm within its timeout
 * fails every waiting member with {@code Cannot subscribe to channel}. After the last member
 * leaves, the channel is UNSUBSCRIBING until the broker confirms; at most one broker call is
 * outstanding per channel, so the broker sees them in order.
 *
 * <p><b>Patterns are matched once per publication</b>, not once per subscriber: members that
 * hold the same set of patterns form a group, and each distinct pattern's result is computed
 * at most once per publication and shared by the groups that hold it.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

    private enum State { NEW, SUBSCRIBING, ACTIVE, UNSUBSCRIBING }

    /** A distinct pattern of this channel; its result is memoised per publication round. */
    private static final class SharedPattern {
        final EventPattern pattern;
        int groups;
        long round;
        boolean matched;

        SharedPattern(EventPattern pattern) {
            this.pattern = pattern;
        }

        boolean matches(String event, long current) {
            if (round != current) {
                round = current;
                matched = pattern.matches(event);
            }
            return matched;
        }
    }

    /** The members that hold exactly one set of patterns on this channel. */
    private static final class Group {
        final List<String> key;
        final SharedPattern[] patterns;
        Membership[] members = new Membership[2];
        int size;
        int index;   // in Channel.groups

        Group(List<String> key, SharedPattern[] patterns) {
            this.key = key;
            this.patterns = patterns;
        }

        boolean matches(String event, long round) {
            for (SharedPattern pattern : patterns) {
                if (pattern.matches(event, round)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One member's place on this channel. */
    private static final class Membership {
        final Subscriptions member;
        final TreeMap<String, EventPattern> patterns = new TreeMap<>();   // sorted: the group key
        Group group;
        int index;   // in group.members

        Membership(Subscriptions member) {
            this.member = member;
        }
    }

    private final String name;
    private final Channels hub;

    private final Object lock = new Object();
    private final ArrayDeque<Runnable> operations = new ArrayDeque<>();   // guarded by lock
    private boolean applying;                                            // guarded by lock
    private boolean retired;                                             // guarded by lock

    // Touched only by the thread applying operations; the lock's hand-over orders those threads.
    private State state = State.NEW;
    private CompletableFuture<Void> ready;   // the broker confirmation that joining members wait for
    private final Map<Subscriptions, Membership> memberships = new HashMap<>();
    private final Map<List<String>, Group> groupsByKey = new HashMap<>();
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, SharedPattern> patterns = new HashMap<>();
    private long round;

    /** Each pattern and how many members hold it; read by {@code server_info} from any thread. */
    private final ConcurrentHashMap<String, Integer> patternCounts = new ConcurrentHashMap<>();

    Channel(String name, Channels hub) {
        this.name = name;
        this.hub = hub;
    }

    /**
     * Queues an operation, and applies the queue if nobody is applying it. False when the
     * channel has been retired (it had no members and its broker subscription ended): the
     * caller starts a new one.
     */
    boolean submit(Runnable operation) {
        synchronized (lock) {
            if (retired) {
                return false;
            }
            operations.add(operation);
            if (applying) {
                return true;
            }
            applying = true;
        }
        applyQueued();
        return true;
    }

    private void applyQueued() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                next = operations.poll();
                if (next == null) {
                    applying = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("Channel {}: an operation failed", name, e);
            }
        }
    }

    // ---------------------------------------------------------------- operations

    /** A member adds a pattern; {@code joined} completes once it receives the channel's publications. */
    void join(Subscriptions member, EventPattern pattern, CompletableFuture<Void> joined) {
        Membership membership = memberships.computeIfAbsent(member, Membership::new);
        if (membership.patterns.putIfAbsent(pattern.source(), pattern) == null) {
            patternCounts.merge(pattern.source(), 1, Integer::sum);
            if (membership.group != null) {
                removeFromGroup(membership);
            }
            addToGroup(membership);
        }
        switch (state) {
            case NEW -> {
                ready = new CompletableFuture<>();
                subscribeBroker();
            }
            case UNSUBSCRIBING -> {
                if (ready == null) {
                    ready = new CompletableFuture<>();   // subscribed again once the broker has let go
                }
            }
            default -> {
                // SUBSCRIBING: wait with the others; ACTIVE: joined now
            }
        }
        if (state == State.ACTIVE) {
            joined.complete(null);
        } else {
            ready.whenComplete((ok, failure) -> {
                if (failure == null) {
                    joined.complete(null);
                } else {
                    joined.completeExceptionally(failure);
                }
            });
        }
    }

    /** A member removes a pattern; nothing that only that pattern matched reaches it afterwards. */
    void leave(Subscriptions member, String pattern) {
        Membership membership = memberships.get(member);
        if (membership == null || membership.patterns.remove(pattern) == null) {
            return;
        }
        patternCounts.computeIfPresent(pattern, (p, count) -> count == 1 ? null : count - 1);
        removeFromGroup(membership);
        if (membership.patterns.isEmpty()) {
            memberships.remove(member);
        } else {
            addToGroup(membership);
        }
        if (memberships.isEmpty() && state == State.ACTIVE) {
            hub.fire(new ChannelDeactivated(name));
            unsubscribeBroker();
        }
    }

    /** Delivers a publication once to every member with a matching pattern, if the channel is active. */
    void publish(String event, EncodedMessage message) {
        try {
            if (state != State.ACTIVE) {
                return;   // not subscribed yet, or no longer: nobody here was subscribed when it was published
            }
            long current = ++round;
            int delivered = 0;
            for (Group group : groups) {
                if (!group.matches(event, current)) {
                    continue;
                }
                Membership[] members = group.members;
                for (int i = 0; i < group.size; i++) {
                    Subscriber subscriber = members[i].member.subscriber();
                    try {
                        subscriber.deliver(message);
                        delivered++;
                    } catch (RuntimeException e) {
                        LOG.warn("Delivery to connection {} failed", subscriber.id(), e);
                    }
                }
            }
            hub.delivered(delivered);
        } finally {
            hub.fannedOut(message);
        }
    }

    // ---------------------------------------------------------------- broker subscription

    private void subscribeBroker() {
        state = State.SUBSCRIBING;
        hub.broker().subscribe(name).toCompletableFuture()
                .orTimeout(hub.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> submit(() -> subscribed(failure)));
    }

    private void subscribed(Throwable failure) {
        CompletableFuture<Void> waiting = ready;
        ready = null;
        if (failure != null) {
            LOG.warn("The broker did not confirm the subscription to channel {}: {}", name, rootCause(failure).toString());
            // Everyone here waited for this attempt: they all fail, and their records go.
            clearMembers();
            unsubscribeBroker();   // the broker may have subscribed after all
            waiting.completeExceptionally(new CompletionException(new CannotSubscribe("not confirmed", failure)));
            return;
        }
        if (memberships.isEmpty()) {
            unsubscribeBroker();
        } else {
            state = State.ACTIVE;
            hub.fire(new ChannelActivated(name));
        }
        waiting.complete(null);
    }

    private void unsubscribeBroker() {
        state = State.UNSUBSCRIBING;
        hub.broker().unsubscribe(name).toCompletableFuture()
                .orTimeout(hub.brokerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> submit(() -> unsubscribed(failure)));
    }

    private void unsubscribed(Throwable failure) {
        if (failure != null) {
            LOG.debug("The broker did not confirm unsubscribing channel {}", name, failure);
        }
        if (!memberships.isEmpty()) {
            subscribeBroker();   // members joined while the broker let go; they wait on ready
            return;
        }
        state = State.NEW;
        retireIfIdle();
    }

    /** Leaves the hub unless operations arrived meanwhile (then the next join starts over from NEW). */
    private void retireIfIdle() {
        synchronized (lock) {
            if (!operations.isEmpty()) {
                return;
            }
            retired = true;
        }
        hub.retired(this);
    }

    // ---------------------------------------------------------------- groups

    /** Puts a member in the group of its current pattern set, creating the group if needed. */
    private void addToGroup(Membership membership) {
        List<String> key = List.copyOf(membership.patterns.keySet());
        Group group = groupsByKey.computeIfAbsent(key, k -> newGroup(k, membership.patterns));
        if (group.size == group.members.length) {
            group.members = Arrays.copyOf(group.members, group.size * 2);
        }
        membership.group = group;
        membership.index = group.size;
        group.members[group.size++] = membership;
    }

    private Group newGroup(List<String> key, Map<String, EventPattern> compiled) {
        SharedPattern[] shared = new SharedPattern[key.size()];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = patterns.computeIfAbsent(key.get(i), source -> new SharedPattern(compiled.get(source)));
            shared[i].groups++;
        }
        Group group = new Group(key, shared);
        group.index = groups.size();
        groups.add(group);
        return group;
    }

    private void removeFromGroup(Membership membership) {
        Group group = membership.group;
        membership.group = null;
        Membership last = group.members[--group.size];
        group.members[membership.index] = last;
        last.index = membership.index;
        group.members[group.size] = null;
        if (group.size > 0) {
            return;
        }
        groupsByKey.remove(group.key);
        Group moved = groups.remove(groups.size() - 1);
        if (moved != group) {
            groups.set(group.index, moved);
            moved.index = group.index;
        }
        for (SharedPattern shared : group.patterns) {
            if (--shared.groups == 0) {
                patterns.remove(shared.pattern.source());
            }
        }
    }

    private void clearMembers() {
        memberships.clear();
        groupsByKey.clear();
        groups.clear();
        patterns.clear();
        patternCounts.clear();
    }

    // ---------------------------------------------------------------- reading

    String name() {
        return name;
    }

    /** Each pattern and how many local members hold it; a weakly consistent snapshot. */
    Map<String, Integer> patternCounts() {
        return Map.copyOf(patternCounts);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
