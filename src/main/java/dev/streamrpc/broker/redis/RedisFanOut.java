package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What both Redis brokers do beside Lettuce: one {@code redis-inbound} thread to which inbound
 * messages, and the completion of every stage the broker returns, are handed at once (so no
 * hub work runs on Lettuce's event loop, and each channel's order is kept); the charging of
 * inbound and outbound bytes to the server's {@link PendingBytes}; and the stream scripts.
 */
final class RedisFanOut implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFanOut.class);
    /**
     * Subscription changes waiting for Redis at once when each is a command of its own (an
     * SSUBSCRIBE with its read of the stream's state, or an UNSUBSCRIBE); the rest wait their
     * turn. Enough to keep a pipeline to Redis full, few enough that each is answered well
     * within the broker's timeout on a busy server.
     */
    static final int SUBSCRIPTIONS_IN_FLIGHT = 128;

    /** Why a channel without Redis names ({@link ChannelKeys#namable}) is refused. */
    static final String UNNAMABLE = "the channel's name holds a lone surrogate, which has no Redis name";

    private final PendingBytes pending;
    private final RedisStreams streams;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInBurst = new AtomicLong();
    private final InFlightLimit subscriptions;
    // Unbounded in count, bounded in bytes: every queued publication is charged to pending.
    private final InboundThread thread = new InboundThread();

    /** @param subscriptionsInFlight subscription changes let wait for Redis at once, the rest queued */
    RedisFanOut(PendingBytes pending, RedisStreams streams, int subscriptionsInFlight) {
        this.pending = pending;
        this.streams = streams;
        this.subscriptions = new InFlightLimit(subscriptionsInFlight, System::nanoTime, thread);
    }

    /** Runs on Lettuce's event loop: charge, hand over, return. */
    void inbound(BrokerCallback callback, byte[] redisChannel, byte[] wire) {
        if (!pending.tryCharge(wire.length)) {
            dropped.incrementAndGet();
            // The hub notices the skipped offsets and fills them in from the history; say so once per burst.
            if (droppedInBurst.getAndIncrement() == 0) {
                LOG.warn("Too many inbound publications waiting for fan-out; dropping them");
            }
            return;
        }
        long lost = droppedInBurst.getAndSet(0);
        if (lost > 0) {
            LOG.warn("Inbound fan-out resumed after dropping {} publications", lost);
        }
        thread.execute(() -> {
            String channel = ChannelKeys.channelOf(redisChannel);
            Publication publication = channel == null ? null : decode(wire);
            if (publication == null) {
                pending.release(wire.length);
                LOG.debug("Ignored a Redis message that is not a StreamRPC publication");
                return;
            }
            // The callback releases the frame's own bytes once fanned out; the envelope's go now.
            pending.release(wire.length - publication.message().size());
            callback.onPublication(channel, publication);
        });
    }

    private static Publication decode(byte[] wire) {
        try {
            return RedisWireFormat.decode(wire);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Runs the publish script; the stage completes on the inbound thread once Redis has stored it. */
    CompletionStage<Void> publish(RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel, String event,
                                  EncodedMessage message) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.failedFuture(new CannotPublish(UNNAMABLE));
        }
        long charged = message.size() + event.length();
        if (!pending.tryCharge(charged)) {
            return CompletableFuture.failedFuture(new CannotPublish("too many publications waiting for Redis"));
        }
        return streams.publish(commands, channel, event, message).handleAsync((offset, failure) -> {
            pending.release(charged);
            if (failure != null) {
                throw new CompletionException(new CannotPublish("Redis did not take the publication", failure));
            }
            return null;
        }, thread);
    }

    /**
     * After Redis subscribed a channel again by itself (a reconnect), hands the channel's latest
     * publication to the hub as if it had just arrived. What was published while the channel was
     * not subscribed is then noticed at once (the hub reads the skipped offsets from the history,
     * or announces a new epoch) instead of only when the next publication comes, which on a quiet
     * channel may be never. The hub ignores a publication it has already delivered.
     */
    void replayLatest(BrokerCallback callback, RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel) {
        streams.history(commands, channel, 0, 0)
                .thenCompose(now -> now.state().offset() == 0 ? CompletableFuture.completedFuture(now)
                        : streams.history(commands, channel, now.state().offset() - 1, 1))
                .whenCompleteAsync((latest, failure) -> {
                    if (failure != null) {
                        LOG.debug("Could not read the latest publication of channel {} after resubscribing", channel, failure);
                        return;
                    }
                    for (Publication publication : latest.publications()) {
                        if (pending.tryCharge(publication.message().size())) {
                            callback.onPublication(channel, publication);
                        }
                    }
                }, thread);
    }

    /**
     * Reads the stream's state as the last step of a {@link #subscription}, whose own completion
     * moves to the inbound thread: one hand-over per new channel, not two.
     */
    CompletionStage<StreamState> state(RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel) {
        return streams.history(commands, channel, 0, 0).thenApply(History::state);
    }

    /** Reads the states of several channels' streams in one script (their keys must be on one Redis). */
    CompletionStage<List<StreamState>> states(RedisScriptingAsyncCommands<byte[], byte[]> commands, List<String> channels) {
        return streams.states(commands, channels);
    }

    /** Reads the history; the stage completes on the inbound thread. */
    CompletionStage<History> history(RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel, long after, int limit) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.failedFuture(new CannotSubscribe(UNNAMABLE));
        }
        return refusedAs(streams.history(commands, channel, after, limit), "Redis did not answer for the history");
    }

    /**
     * Subscribes a channel ({@code command}: SUBSCRIBE or SSUBSCRIBE and then the stream's
     * state), with at most the broker's number of subscription changes waiting for Redis at
     * once; refused while still queued if Redis falls silent. Completes on the inbound
     * thread, a failure as {@link CannotSubscribe}.
     */
    <T> CompletionStage<T> subscription(Supplier<CompletionStage<T>> command, String refusal) {
        return refusedAs(subscriptions.submit(command, true), refusal);
    }

    /**
     * Unsubscribes a channel, in the same queue as {@link #subscription}, but never refused
     * there: it may undo a SUBSCRIBE that timed out and still reaches Redis.
     */
    <T> CompletionStage<T> unsubscription(Supplier<CompletionStage<T>> command, String refusal) {
        return refusedAs(subscriptions.submit(command, false), refusal);
    }

    /** Moves a Redis command's completion to the inbound thread; a failure becomes {@link CannotSubscribe}. */
    private <T> CompletionStage<T> refusedAs(CompletionStage<T> command, String refusal) {
        return command.handleAsync((value, failure) -> {
            if (failure != null) {
                throw new CompletionException(new CannotSubscribe(refusal, failure));
            }
            return value;
        }, thread);
    }

    /** The fan-out thread, for the broker's own state changes. */
    Executor executor() {
        return thread;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
