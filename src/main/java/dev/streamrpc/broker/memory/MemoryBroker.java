package dev.streamrpc.broker.memory;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker of a single server. It is not a shortcut: a publication goes through the same
 * {@link BrokerCallback} as with a distributed broker, on the publisher's thread, and is
 * charged to the same {@link PendingBytes} until it is fanned out, so a flood of publishers
 * is refused rather than queued without bound.
 */
public final class MemoryBroker implements Broker {

    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final PendingBytes pending;
    private volatile BrokerCallback callback;

    public MemoryBroker(PendingBytes pending) {
        this.pending = pending;
    }

    @Override
    public void start(BrokerCallback callback) {
        this.callback = callback;
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        BrokerCallback target = callback;
        if (target == null) {
            return CompletableFuture.failedFuture(new CannotPublish("broker is not started"));
        }
        // Only subscribed channels are delivered, as a distributed broker would do.
        if (channels.contains(channel)) {
            if (!pending.tryCharge(message.size())) {
                return CompletableFuture.failedFuture(new CannotPublish("too many publications waiting for fan-out"));
            }
            target.onPublication(channel, event, message);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> subscribe(String channel) {
        channels.add(channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        channels.remove(channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        callback = null;
        channels.clear();
    }
}
