package dev.streamrpc.broker.memory;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.EncodedMessage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker of a single server. It is not a shortcut: a publication goes through the same
 * {@link BrokerCallback} as with a distributed broker, on the publisher's thread, so the
 * publisher's order is kept and fan-out has one path.
 */
public final class MemoryBroker implements Broker {

    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private volatile BrokerCallback callback;

    @Override
    public void start(BrokerCallback callback) {
        this.callback = callback;
    }

    @Override
    public void publish(String channel, String event, EncodedMessage message) throws CannotPublish {
        BrokerCallback target = callback;
        if (target == null) {
            throw new CannotPublish("broker is not started");
        }
        // Only subscribed channels are delivered, as a distributed broker would do.
        if (channels.contains(channel)) {
            target.onPublication(channel, event, message);
        }
    }

    @Override
    public void subscribe(String channel) {
        channels.add(channel);
    }

    @Override
    public void unsubscribe(String channel) {
        channels.remove(channel);
    }

    @Override
    public void close() {
        callback = null;
        channels.clear();
    }
}
