package dev.streamrpc.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A subscription made by {@link StreamClient#subscribe}: its handler receives the channel's
 * messages whose event matches the pattern, in order, on the client's executor, until
 * {@link #unsubscribe()}. It survives reconnections: the client subscribes again on every new
 * connection. Thread-safe.
 */
public final class Subscription {

    private final StreamClient client;
    private final String channel;
    private final String pattern;
    private final Glob glob;
    private final Consumer<Message> handler;
    private final List<Consumer<String>> lostListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean active = new AtomicBoolean(true);

    Subscription(StreamClient client, String channel, String pattern, Glob glob, Consumer<Message> handler) {
        this.client = client;
        this.channel = channel;
        this.pattern = pattern;
        this.glob = glob;
        this.handler = handler;
    }

    /** The channel. */
    public String channel() {
        return channel;
    }

    /** The event pattern, such as {@code trade.*}. */
    public String pattern() {
        return pattern;
    }

    /** False once {@link #unsubscribe()} has been called. */
    public boolean isActive() {
        return active.get();
    }

    /**
     * Adds a listener told when this subscription may have missed messages that the client
     * could not recover. It runs on the client's executor, in order with the messages: what
     * the handler receives after it comes after the gap. The reason is one of:
     * <ul>
     * <li>{@code epoch}, {@code trimmed}, {@code limit}, {@code off}: the server's reason why it
     *     could not resume after a reconnection (protocol version 2);</li>
     * <li>{@code gap}: the server reported offsets it could not deliver;</li>
     * <li>{@code unsupported}: the client reconnected, and the server does not report positions
     *     (protocol version 1), so what was published meanwhile is lost;</li>
     * <li>{@code refused}: subscribing again on a new connection failed (the server refused
     *     it, or did not answer in time); the client tries again on the next connection.</li>
     * </ul>
     *
     * @return this subscription
     */
    public Subscription onLost(Consumer<String> listener) {
        lostListeners.add(listener);
        return this;
    }

    /**
     * Stops the handler at once (no message is handed to it after this call returns, except
     * one already running) and tells the server, unless another subscription of this client
     * holds the same channel and pattern. Completes when the server has answered, or at once
     * when there is nothing to tell or no connection. Calling it again does nothing.
     */
    public CompletableFuture<Void> unsubscribe() {
        if (!active.compareAndSet(true, false)) {
            return CompletableFuture.completedFuture(null);
        }
        return client.unsubscribe(this);
    }

    boolean matches(String event) {
        return glob.matches(event);
    }

    Consumer<Message> handler() {
        return handler;
    }

    /** Runs the handler, unless unsubscribed meanwhile. On the handler queue. */
    void handle(Message message) {
        if (active.get()) {
            handler.accept(message);
        }
    }

    /** Runs the lost listeners, unless unsubscribed meanwhile. On the handler queue. */
    void lost(String reason) {
        if (active.get()) {
            lostListeners.forEach(listener -> HandlerQueue.isolated(() -> listener.accept(reason)));
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + channel + " " + pattern + (active.get() ? "" : ", ended") + "]";
    }
}
