package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisCommandTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * Sends one kind of the single-Redis broker's subscription changes (SUBSCRIBE, or UNSUBSCRIBE)
 * in batches: the channels that ask while a batch is being sent go together in one command,
 * and once Redis has confirmed them all, a last step runs for the whole batch (for a
 * SUBSCRIBE, one script reading every stream's state). After a restart every client subscribes
 * again at once, and when a proxy drops every client the server lets go of all their channels
 * at once; one command per channel cost those storms more in Lettuce and in hand-overs between
 * threads than Redis spent answering.
 *
 * <p>Redis confirms a SUBSCRIBE or an UNSUBSCRIBE once per channel, and Lettuce completes a
 * command of several channels at the first confirmation (with RESP3, at any confirmation of
 * its kind, even one meant for the command before it), handing the others to the listener: so
 * each channel's confirmation is taken from {@link #confirmed}, called by the listener, and
 * the batch completes once all of them came. A batch not wholly confirmed within the broker's
 * timeout fails as a whole, as a command timeout; one whose connection drops first fails at
 * once ({@link #connectionLost}): Lettuce no longer fails a command it has already completed,
 * and a batch left to time out would hold its places in the broker's limit meanwhile.
 *
 * @param <T> what each channel's stage completes with
 */
final class ChannelBatches<T> {

    /** A channel waiting to be sent, and the stage its caller holds. */
    private record Waiting<T>(String channel, CompletableFuture<T> result) {
    }

    /** Channels in one command at most. */
    private static final int MOST = 128;
    /**
     * Subscription changes the single-Redis broker lets wait for Redis at once: four batches,
     * so that Redis answers one while this server completes another. With one batch's worth,
     * each side waited for the other, and clients coming back to a running server subscribed
     * at 13,209 a second against 15,069 with four (same run, three alternating rounds).
     */
    static final int IN_FLIGHT = 4 * MOST;

    private final String command;
    private final Executor sender;
    private final Duration timeout;
    private final Function<byte[][], CompletionStage<?>> send;
    private final Function<List<String>, CompletionStage<List<T>>> then;
    private final Queue<Waiting<T>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Channels of a command we sent whose confirmation from Redis has not come yet. */
    private final Map<String, CompletableFuture<Void>> confirming = new ConcurrentHashMap<>();

    /**
     * @param command the command's name, for the failure of a batch Redis did not wholly confirm
     * @param sender  the thread that sends each batch (the broker's inbound thread: while it is
     *                busy, the channels that ask meanwhile gather into the next batch)
     * @param send    sends the command naming these Redis channels
     * @param then    the step after Redis confirmed a batch: its channels' results, in their order
     */
    ChannelBatches(String command, Executor sender, Duration timeout, Function<byte[][], CompletionStage<?>> send,
                   Function<List<String>, CompletionStage<List<T>>> then) {
        this.command = command;
        this.sender = sender;
        this.timeout = timeout;
        this.send = send;
        this.then = then;
    }

    /** A last step with nothing to do: each channel's stage completes once Redis confirmed it. */
    static CompletionStage<List<Void>> nothingMore(List<String> channels) {
        return CompletableFuture.completedFuture(Collections.nCopies(channels.size(), null));
    }

    /** Sends a channel with the next batch; completes with its result once Redis confirmed the batch and the last step ran. */
    CompletionStage<T> add(String channel) {
        CompletableFuture<T> result = new CompletableFuture<>();
        waiting.add(new Waiting<>(channel, result));
        if (sending.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
        return result;
    }

    /**
     * Redis confirmed a channel: true if we asked for it, false if not (Lettuce subscribed it
     * again by itself after a reconnect, or it came after its batch failed). Runs on Lettuce's
     * event loop.
     */
    boolean confirmed(String channel) {
        CompletableFuture<Void> confirmation = confirming.remove(channel);
        if (confirmation == null) {
            return false;
        }
        confirmation.complete(null);
        return true;
    }

    /**
     * The connection broke: every batch still waiting for a confirmation fails now with
     * {@code cause}; Redis forgot the connection's subscriptions with it. Runs on Lettuce's
     * event loop.
     */
    void connectionLost(Throwable cause) {
        confirming.forEach((channel, confirmation) -> confirmation.completeExceptionally(cause));
    }

    private void send() {
        sending.set(false);
        List<Waiting<T>> batch = new ArrayList<>();
        for (Waiting<T> next; batch.size() < MOST && (next = waiting.poll()) != null; ) {
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
        send.apply(names).whenComplete((ok, failure) -> {
            if (failure != null) {
                all.completeExceptionally(failure);
            }
        });
        all.thenCompose(ok -> then.apply(channels)).whenComplete((results, failure) -> {
            if (failure != null) {
                fail(batch, failure);
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        });
    }

    /** Fails every channel of a batch, and forgets those Redis has not confirmed. */
    private void fail(List<Waiting<T>> batch, Throwable failure) {
        Throwable reason = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        Throwable cause = reason instanceof TimeoutException
                ? new RedisCommandTimeoutException("Redis did not confirm every channel of " + command + " within "
                        + timeout.toMillis() + " ms")
                : reason;
        for (Waiting<T> one : batch) {
            confirming.remove(one.channel());
            one.result().completeExceptionally(cause);
        }
    }
}
