package dev.streamrpc.pubsub;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.broker.memory.MemoryBroker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real broker whose feed to the hub the test can disturb: {@code feed} may drop a
 * publication (return null), change it, or hold it back until {@link #release}; and
 * {@code confirming} may keep the hub waiting for the confirmation of a subscribe the broker
 * has already made (as Redis's answer may come after the channel's first messages).
 */
final class DisturbedBroker implements Broker {

    final PendingBytes pending;
    private final Broker delegate;
    volatile UnaryOperator<Publication> feed = UnaryOperator.identity();
    volatile boolean holding;
    final List<Publication> heldBack = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> confirming = CompletableFuture.completedFuture(null);
    private BrokerCallback hub;

    /** @param pending the bytes budget {@code delegate} charges, which the hub must share */
    DisturbedBroker(PendingBytes pending, Broker delegate) {
        this.pending = pending;
        this.delegate = delegate;
    }

    /**
     * Around the memory broker, whose history is bounded by its count alone: with 1 MiB of held
     * bytes (about 3,300 small publications) a test's history of 10,000 was trimmed whenever its
     * publishers ran far ahead of its subscriber, as they did on a busy machine.
     */
    static DisturbedBroker memory(int historySize) {
        PendingBytes pending = new PendingBytes(1 << 30);
        return new DisturbedBroker(pending, new MemoryBroker(pending, historySize, Duration.ofMinutes(5), 1L << 30));
    }

    @Override
    public void start(BrokerCallback callback) {
        hub = callback;
        delegate.start((channel, publication) -> {
            Publication fed = feed.apply(publication);
            if (fed == null) {
                pending.release(publication.message().size());
            } else if (holding) {
                heldBack.add(fed);
            } else {
                callback.onPublication(channel, fed);
            }
        });
    }

    void release(String channel) {
        holding = false;
        heldBack.forEach(publication -> hub.onPublication(channel, publication));
        heldBack.clear();
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        return delegate.publish(channel, event, message);
    }

    @Override
    public CompletionStage<StreamState> subscribe(String channel) {
        return delegate.subscribe(channel).thenCombine(confirming, (state, confirmed) -> state);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        return delegate.unsubscribe(channel);
    }

    @Override
    public CompletionStage<History> history(String channel, long after, int limit) {
        return delegate.history(channel, after, limit);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
