package dev.streamrpc.pubsub;

import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Publication;
import jakarta.json.bind.Jsonb;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Every channel with subscribers on this server, by name, and the broker's one inbound path:
 * each publication goes to its {@link Channel}, which fans it out. A channel is created by
 * its first join and removed once its broker subscription has ended with nobody left; joins
 * that race with the removal start a new one.
 *
 * <p>Publications are fanned out on the hub's fan-out threads (one per core), never on the
 * thread that hands them in: a publisher's connection, or the Redis broker's inbound thread,
 * goes back to reading while they go out.
 */
final class Channels implements BrokerCallback {

    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder gapsFilled = new LongAdder();
    private final LongAdder gapsAnnounced = new LongAdder();
    private final BrokerRefusals refusals = new BrokerRefusals();
    private final Broker broker;
    private final int historySize;
    private final PendingBytes pending;
    private final Jsonb jsonb;
    private final Consumer<Object> events;
    private final Executor fanOut;

    Channels(Broker broker, int historySize, PendingBytes pending, Jsonb jsonb, Consumer<Object> events, Executor fanOut) {
        this.fanOut = fanOut;
        this.broker = broker;
        this.historySize = historySize;
        this.pending = pending;
        this.jsonb = jsonb;
        this.events = events;
    }

    /**
     * Adds a member's pattern; the future completes once the member receives the channel,
     * with the position after which it receives every publication (or fails).
     *
     * @param positioned whether the member's messages on this channel carry their offsets
     * @param since where a recovering member left off, or null
     * @param replyHere run when the member starts receiving the channel (see {@link Subscriber#replyHere})
     */
    CompletableFuture<Channel.Joined> join(String name, Subscriptions member, EventPattern pattern, boolean positioned,
                                           StreamPosition since, Runnable replyHere) {
        CompletableFuture<Channel.Joined> joined = new CompletableFuture<>();
        while (true) {
            Channel channel = channels.computeIfAbsent(name, n -> new Channel(n, this));
            if (channel.submit(() -> channel.join(member, pattern, positioned, since, replyHere, joined))) {
                return joined;
            }
            channels.remove(name, channel);   // retired under us: make way for a new one
        }
    }

    /** The broker's check of a member's since that the channel took ahead of its feed: kept, or undone. */
    void checked(String name, Subscriptions member, long offset, boolean kept) {
        Channel channel = channels.get(name);
        if (channel != null) {
            channel.submit(() -> channel.checked(member, offset, kept));
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
    public void onPublication(String name, Publication publication) {
        Channel channel = channels.get(name);
        if (channel == null || !channel.submitPublication(publication)) {
            fannedOut(publication.message());   // nobody here subscribes to it any more
        }
        if (channel == null) {
            letGo(name);
        }
    }

    /**
     * A publication came for a channel nobody here holds, so the broker is subscribed to it
     * without the hub: Lettuce subscribes again, after a reconnect, a channel whose UNSUBSCRIBE
     * the disconnect cut off, and it would stay so, its publications arriving only to be
     * dropped. It is let go of through a channel of its own, whose queue orders that broker call
     * with any member joining meanwhile (who then waits for it, and subscribes again).
     */
    private void letGo(String name) {
        Channel channel = channels.computeIfAbsent(name, n -> new Channel(n, this));
        channel.submit(channel::letGo);   // refused only if it was retired meanwhile, having let go itself
    }

    /**
     * Completes once the channel has fanned out what was queued for it before this call: a
     * publisher's acknowledgement waits for it, so a publisher that outruns the fan-out is
     * slowed down to its pace instead of filling the server's memory.
     */
    CompletionStage<Void> caughtUp(String name) {
        Channel channel = channels.get(name);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (channel == null || !channel.submitCaughtUp(done)) {
            done.complete(null);
        }
        return done;
    }

    boolean hasSubscribers(String name) {
        return channels.containsKey(name);
    }

    // ---------------------------------------------------------------- for channels

    Broker broker() {
        return broker;
    }

    /** Hands a channel's queue to a fan-out thread; false once the hub has stopped (the caller applies it). */
    boolean fanOut(Runnable applyQueued) {
        try {
            fanOut.execute(applyQueued);
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }

    int historySize() {
        return historySize;
    }

    /** The gap frame of a channel, encoded once for all its positioned members. */
    EncodedMessage gapFrame(String name, Frames.Range range) {
        return EncodedMessage.of(jsonb.toJson(new Frames.Gap(name, range)));
    }

    void gapFilled() {
        gapsFilled.increment();
    }

    void gapAnnounced() {
        gapsAnnounced.increment();
    }

    BrokerRefusals refusals() {
        return refusals;
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

    /** Publications read from the history to fill a skip in a channel's feed, since start. */
    long gapsFilled() {
        return gapsFilled.sum();
    }

    /** Gaps (and epoch changes) announced to positioned subscribers, since start. */
    long gapsAnnounced() {
        return gapsAnnounced.sum();
    }

    /** Channels with local subscribers (or on their way to or from the broker). */
    int count() {
        return channels.size();
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
