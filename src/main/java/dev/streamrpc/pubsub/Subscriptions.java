package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.PositionedSubscription;
import dev.streamrpc.api.Recovery;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.CannotSubscribe;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One connection's subscriptions, in the order it made them, and its view of the channels
 * ({@link ConnectionChannels}). Its record is guarded by its monitor, held only for a few
 * map operations and never while calling into a channel (a channel completes joins on
 * whichever thread applies its operations, and those completions take this monitor).
 */
final class Subscriptions implements ConnectionChannels {

    private final Subscriber subscriber;
    private final SocketsManager manager;
    private final Channels channels;
    /** Channel, then pattern, then the token of the subscribe that added it (so a late failure removes only its own). */
    private final LinkedHashMap<String, LinkedHashMap<String, Object>> held = new LinkedHashMap<>();
    /** The latest join per channel, so that this connection's publish waits for its own subscribe. */
    private final Map<String, CompletableFuture<Channel.Joined>> joins = new HashMap<>();
    private int count;
    private boolean closed;

    Subscriptions(Subscriber subscriber, SocketsManager manager, Channels channels) {
        this.subscriber = subscriber;
        this.manager = manager;
        this.channels = channels;
    }

    Subscriber subscriber() {
        return subscriber;
    }

    @Override
    public CompletionStage<Map<String, List<String>>> subscribe(String channel, String eventPattern) {
        return join(channel, eventPattern, false, null, new Object()).thenApply(joined -> subscriptions());
    }

    @Override
    public CompletionStage<PositionedSubscription> subscribeWithPosition(String channel, String eventPattern, StreamPosition since) {
        EventPattern pattern = compile(eventPattern);
        Object token = new Object();
        return join(channel, eventPattern, true, since, token).thenCompose(joined -> {
            if (joined == null) {   // the connection closed meanwhile: nobody reads the answer
                return CompletableFuture.completedFuture(new PositionedSubscription(subscriptions(), null, null));
            }
            StreamPosition position = new StreamPosition(joined.position().epoch(), joined.position().offset());
            if (since == null) {
                return CompletableFuture.completedFuture(new PositionedSubscription(subscriptions(), position, null));
            }
            CompletionStage<Recovery> recovery = joined.ahead()
                    ? manager.recoveries().reached(channel, since).handle((reached, failure) -> {
                        channels.checked(channel, this, since.offset(), failure == null && reached);
                        if (failure != null) {
                            // As it came: wrapped once more, the broker's refusal would not be recognised below.
                            throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
                        }
                        if (!reached) {
                            throw new CompletionException(new ChannelException("since", ErrorTexts.INVALID_POSITION));
                        }
                        return manager.recoveries().count(Recovery.recovered(List.of()));
                    })
                    : manager.recoveries().recover(channel, pattern, since, joined.position());
            return recovery.handle((recovered, failure) -> {
                if (failure != null) {
                    undo(channel, eventPattern, token);
                    throw new CompletionException(refusal(channel, failure));
                }
                return new PositionedSubscription(subscriptions(), position, recovered);
            });
        });
    }

    /**
     * Why a positioned subscribe failed after its join: a broker that could not read the
     * history did not confirm the subscribe (PROTOCOL.md section 8, broker refusals), which is
     * logged once per run like a refused join; anything else stays as it is.
     */
    private Throwable refusal(String channel, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CannotSubscribe) {
            channels.refusals().refused(channel, cause);
            return new ChannelException("channel", ErrorTexts.CANNOT_SUBSCRIBE, cause);
        }
        return cause;
    }

    /**
     * Adds the pattern to this connection's record and to the channel; the stage completes
     * once the connection receives the channel. A pattern already held is joined again only
     * to ask for positions (the channel treats it as the same pattern). {@code token} names this
     * subscribe in the record if it adds the pattern, so that undoing it removes only its own.
     */
    private CompletionStage<Channel.Joined> join(String channel, String eventPattern, boolean positioned, StreamPosition since,
                                                 Object token) {
        manager.checkChannel(channel);
        EventPattern pattern = compile(eventPattern);
        Runnable replyHere = subscriber.replyHere();
        synchronized (this) {
            if (closed || !positioned && holds(channel, eventPattern)) {
                return afterJoin(channel);
            }
        }
        if (!manager.authorizer().maySubscribe(subscriber.principal(), channel, eventPattern)) {
            throw new ChannelException("channel", ErrorTexts.NOT_ALLOWED);
        }
        boolean added;
        synchronized (this) {
            if (closed || !positioned && holds(channel, eventPattern)) {
                return afterJoin(channel);
            }
            added = !holds(channel, eventPattern);
            if (added && count >= manager.maxSubscriptions()) {
                throw new ChannelException("channel", ErrorTexts.TOO_MANY_SUBSCRIPTIONS);
            }
            if (added) {
                held.computeIfAbsent(channel, c -> new LinkedHashMap<>(2)).put(eventPattern, token);   // usually one pattern
                count++;
                manager.subscriptionsChanged(1);
            }
        }
        CompletableFuture<Channel.Joined> joined = channels.join(channel, this, pattern, positioned, since, replyHere);
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = closed;
            joins.put(channel, joined);
        }
        if (closedMeanwhile) {
            channels.leave(channel, this, eventPattern);   // leave() ran before the join was queued
        }
        return joined.handle((ok, failure) -> {
            synchronized (this) {
                joins.remove(channel, joined);
                if (failure != null) {
                    if (added) {
                        forget(channel, eventPattern, token);
                    }
                    throw new CompletionException(new ChannelException("channel", ErrorTexts.CANNOT_SUBSCRIBE, failure));
                }
                return ok;
            }
        });
    }

    @Override
    public Map<String, List<String>> unsubscribe(String channel, String eventPattern) {
        manager.checkChannel(channel);
        compile(eventPattern);
        if (!channels.hasSubscribers(channel)) {
            throw new ChannelException("channel", ErrorTexts.INVALID_CHANNEL);
        }
        boolean removed;
        synchronized (this) {
            Map<String, Object> patterns = held.get(channel);
            removed = patterns != null && patterns.containsKey(eventPattern);
            if (removed) {
                forget(channel, eventPattern, patterns.get(eventPattern));
            }
        }
        if (removed) {
            channels.leave(channel, this, eventPattern);
        }
        return subscriptions();
    }

    /** A refused or failed subscribe removes the pattern only if it added it: one the connection held before stays. */
    private void undo(String channel, String eventPattern, Object token) {
        boolean removed;
        synchronized (this) {
            removed = forget(channel, eventPattern, token);
        }
        if (removed) {
            channels.leave(channel, this, eventPattern);
        }
    }

    @Override
    public synchronized Map<String, List<String>> subscriptions() {
        return snapshotLocked();
    }

    /**
     * A client's publication: the authorizer is asked first, and a publication to a channel
     * this connection is still subscribing to waits for that subscribe, so that requests take
     * effect in the order they were made (the client then receives its own publication).
     */
    @Override
    public CompletionStage<Void> publish(String channel, String event, Object data) {
        manager.checkPublishable(channel, event);
        if (!manager.authorizer().mayPublish(subscriber.principal(), channel, event)) {
            throw new ChannelException("channel", ErrorTexts.NOT_ALLOWED);
        }
        CompletableFuture<Channel.Joined> joining;
        synchronized (this) {
            joining = joins.get(channel);
        }
        if (joining == null || joining.isDone()) {
            return manager.publish(channel, event, data);
        }
        return joining.handle((ok, failure) -> null).thenCompose(ignored -> manager.publish(channel, event, data));
    }

    /** The connection closed: every subscription goes at once, and later subscribes change nothing. */
    void leave() {
        Map<String, List<String>> dropped;
        synchronized (this) {
            closed = true;
            dropped = snapshotLocked();
            held.clear();
            manager.subscriptionsChanged(-count);
            count = 0;
        }
        dropped.forEach((channel, patterns) -> patterns.forEach(pattern -> channels.leave(channel, this, pattern)));
    }

    private boolean holds(String channel, String pattern) {
        Map<String, Object> patterns = held.get(channel);
        return patterns != null && patterns.containsKey(pattern);
    }

    /** Completes once this connection's pending join on the channel (if any) is done, whatever its outcome. */
    private CompletionStage<Channel.Joined> afterJoin(String channel) {
        CompletableFuture<Channel.Joined> joining = joins.get(channel);
        if (joining == null) {
            return CompletableFuture.completedFuture(null);
        }
        return joining.handle((ok, failure) -> ok);
    }

    /** Removes a pattern if the subscribe that added it is the one named by {@code token}; the caller holds the monitor. */
    private boolean forget(String channel, String pattern, Object token) {
        Map<String, Object> patterns = held.get(channel);
        if (patterns == null || patterns.get(pattern) != token) {
            return false;
        }
        patterns.remove(pattern);
        count--;
        manager.subscriptionsChanged(-1);
        if (patterns.isEmpty()) {
            held.remove(channel);
        }
        return true;
    }

    private Map<String, List<String>> snapshotLocked() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        held.forEach((channel, patterns) -> copy.put(channel, List.copyOf(patterns.keySet())));
        return copy;
    }

    private static EventPattern compile(String eventPattern) {
        try {
            return EventPattern.compile(eventPattern);
        } catch (EventPattern.Malformed e) {
            throw new ChannelException("event", ErrorTexts.INVALID_EVENT_PATTERN);
        }
    }
}
