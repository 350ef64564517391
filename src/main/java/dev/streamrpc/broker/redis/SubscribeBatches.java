package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.StreamState;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Subscribes the single-Redis broker's new channels in batches: the channels that ask while a
 * batch is being sent go together in one SUBSCRIBE, and once Redis has confirmed them all,
 * their streams' states are read by one script. After a restart every client subscribes again
 * at once; one command per channel for each step cost the storm more in Lettuce and in
 * hand-overs between threads than Redis spent answering.
 *
 * <p>Redis confirms a SUBSCRIBE once per channel, and Lettuce completes a command of several
 * channels at the first confirmation, handing the others to the listener: so each channel's
 * confirmation is taken from {@link #confirmed}, and a batch that is not wholly confirmed
 * within the broker's timeout (its connection broke between two confirmations) fails the
 * channels still waiting, as a command timeout.
 */
final class SubscribeBatches {

    /** A channel waiting to be sent, and the stage its caller holds. */
    private record Waiting(String channel, CompletableFuture<StreamState> result) {
    }

    /** Channels in one SUBSCRIBE at most. */
    private static final int MOST = 128;
    /**
     * Subscription changes the single-Redis broker lets wait for Redis at once: four batches,
     * so that Redis answers one while this server completes another. With one batch's worth,
     * each side waited for the other, and clients coming back to a running server subscribed
     * at 13,209 a second against 15,069 with four (same run, three alternating rounds).
     */
    static final int IN_FLIGHT = 4 * MOST;

    private final Executor sender;
    private final Duration timeout;
    private final RedisPubSubAsyncCommands<byte[], byte[]> subscriber;
    private final Function<List<String>, CompletionStage<List<StreamState>>> states;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Channels whose SUBSCRIBE we sent and Redis has not confirmed yet. */
    private final Map<String, CompletableFuture<Void>> confirming = new ConcurrentHashMap<>();

    /**
     * @param sender     the thread that sends each batch (the broker's inbound thread: while it
     *                   is busy, the channels that ask meanwhile gather into the next batch)
     * @param subscriber the pub/sub connection's commands
     * @param states     reads the streams' states of channels, in their order
     */
    SubscribeBatches(Executor sender, Duration timeout, RedisPubSubAsyncCommands<byte[], byte[]> subscriber,
                     Function<List<String>, CompletionStage<List<StreamState>>> states) {
        this.sender = sender;
        this.timeout = timeout;
        this.subscriber = subscriber;
        this.states = states;
    }

    /** Subscribes a channel with the next batch; completes with its stream's state, read after Redis confirmed the channel. */
    CompletionStage<StreamState> subscribe(String channel) {
        CompletableFuture<StreamState> result = new CompletableFuture<>();
        waiting.add(new Waiting(channel, result));
        if (sending.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
        return result;
    }

    /**
     * Redis confirmed a channel's subscription: true if we asked for it, false if Lettuce
     * subscribed it again by itself (after a reconnect). Runs on Lettuce's event loop.
     */
    boolean confirmed(String channel) {
        CompletableFuture<Void> confirmation = confirming.remove(channel);
        if (confirmation == null) {
            return false;
        }
        confirmation.complete(null);
        return true;
    }

    private void send() {
        sending.set(false);
        List<Waiting> batch = new ArrayList<>();
        for (Waiting next; batch.size() < MOST && (next = waiting.poll()) != null; ) {
            batch.add(next);
        }
        if (!waiting.isEmpty() && sending.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
        if (batch.isEmpty()) {
            return;
        }
        List<String> channels = batch.stream().map(Waiting::channel).toList();
        byte[][] names = new byte[channels.size()][];
        CompletableFuture<?>[] confirmations = new CompletableFuture<?>[channels.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = ChannelKeys.of(channels.get(i)).pubsub();
            confirmations[i] = confirming.computeIfAbsent(channels.get(i), any -> new CompletableFuture<>());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(confirmations).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        subscriber.subscribe(names).whenComplete((ok, failure) -> {
            if (failure != null) {
                all.completeExceptionally(failure);
            }
        });
        all.thenCompose(ok -> states.apply(channels)).whenComplete((read, failure) -> {
            if (failure != null) {
                fail(batch, failure);
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(read.get(i));
            }
        });
    }

    /** Fails every channel of a batch, and forgets those Redis has not confirmed. */
    private void fail(List<Waiting> batch, Throwable failure) {
        Throwable reason = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        Throwable cause = reason instanceof TimeoutException
                ? new RedisCommandTimeoutException("Redis did not confirm every channel of a SUBSCRIBE within " + timeout.toMillis() + " ms")
                : reason;
        for (Waiting one : batch) {
            confirming.remove(one.channel());
            one.result().completeExceptionally(cause);
        }
    }
}
