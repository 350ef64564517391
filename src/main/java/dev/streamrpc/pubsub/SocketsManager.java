package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.ConnectionClosed;
import dev.streamrpc.api.ConnectionOpened;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.Publisher;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Shard;
import dev.streamrpc.config.DaemonThreads;
import dev.streamrpc.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Owns the open connections and the channels, and fans messages out. Publications, from
 * clients or from application code, are encoded once here, handed to the broker, and come
 * back through the broker's callback to the {@link Channels}, the one fan-out path.
 *
 * <p>Applications inject it (or {@link Publisher}) to publish; they observe
 * {@link ConnectionOpened}, {@link ConnectionClosed}, {@code ChannelActivated} and
 * {@code ChannelDeactivated} to follow the lifecycle.
 */
@ApplicationScoped
public class SocketsManager implements Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(SocketsManager.class);

    @Inject
    Broker broker;

    @Inject
    Jsonb jsonb;

    @Inject
    Event<Object> events;

    @Inject
    Instance<ChannelAuthorizer> authorizers;

    @Inject
    Settings settings;

    @Inject
    PendingBytes pending;

    private final ConcurrentHashMap<String, Subscriptions> connections = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder subscriptions = new LongAdder();   // counted as connections change, so a scrape visits no channel
    private final PubSubStats stats = new PubSubStats() {
        @Override public long published() { return published.sum(); }
        @Override public long delivered() { return channels.delivered(); }
        @Override public int channels() { return channels.count(); }
        @Override public long subscriptions() { return subscriptions.sum(); }
        @Override public long brokerReconnects() { return broker.reconnects(); }
        @Override public long brokerDropped() { return broker.dropped(); }
        @Override public long brokerResubscriptions() { return broker.resubscriptions(); }
        @Override public long brokerTopologyChanges() { return broker.topologyChanges(); }
        @Override public long pendingBytes() { return pending.used(); }
        @Override public long heldPublications() { return broker.heldPublications(); }
        @Override public long gapsFilled() { return channels.gapsFilled(); }
        @Override public long gapsAnnounced() { return channels.gapsAnnounced(); }
        @Override public Map<String, Long> recoveries() { return recoveries.outcomes(); }
    };
    private volatile boolean stopping;
    private final AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private Consumer<Object> lifecycle;
    private ChannelAuthorizer authorizer;
    private Channels channels;
    private Recoveries recoveries;
    private ExecutorService fanOut;

    @PostConstruct
    void start() {
        start(events::fire, authorizers.isResolvable() ? authorizers.get() : new ChannelAuthorizer() { });
    }

    /** Wires the hub and starts the broker; a broker that cannot start fails the deployment. */
    void start(Consumer<Object> lifecycle, ChannelAuthorizer authorizer) {
        this.lifecycle = lifecycle;
        this.authorizer = authorizer;
        this.fanOut = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), new DaemonThreads("stream-fanout"));
        this.channels = new Channels(broker, settings.historySize(), pending, jsonb, this::fire, fanOut);
        // A recovery's reply may take a connection's outbox past its limit once (the outbox lets
        // one reply do so); twice the limit covers what a slow consumer loses when it is closed.
        this.recoveries = new Recoveries(broker, settings.historySize(),
                settings.historyMaxRecovery(), 2 * settings.maxQueuedBytes());
        broker.start(channels);
    }

    /** Starts with the application, so that a broker that cannot start fails the deployment. */
    void eager(@Observes Startup startup) {
        LOG.debug("Hub started with the {} broker", settings.broker());
    }

    /**
     * Adds an open connection; the returned view is its subscriptions and publishing. A
     * connection that arrives while the server stops is closed at once, like the others.
     */
    public ConnectionChannels register(Subscriber subscriber) {
        Subscriptions subscriptions = new Subscriptions(subscriber, this, channels);
        connections.put(subscriber.id(), subscriptions);
        fire(new ConnectionOpened(subscriber.id()));
        if (stopping) {
            subscriber.close(CloseStatus.SHUTTING_DOWN);
        }
        return subscriptions;
    }

    /** Removes a closed connection and all its subscriptions, at once. Safe to call twice. */
    public void unregister(Subscriber subscriber) {
        Subscriptions subscriptions = connections.remove(subscriber.id());
        if (subscriptions != null) {
            subscriptions.leave();
            fire(new ConnectionClosed(subscriber.id()));
        }
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, Object data) {
        String name = checkPublishable(channel, event);
        EncodedMessage message = EncodedMessage.of(jsonb.toJson(new Frames.Message(channel, name, data == null ? JsonValue.NULL : data)));
        return broker.publish(channel, name, message)
                .handle((ok, failure) -> {
                    if (failure != null) {
                        LOG.debug("The broker did not take a publication to {}", channel, failure);
                        throw new CompletionException(new ChannelException("channel", ErrorTexts.CANNOT_PUBLISH, failure));
                    }
                    published.increment();
                    return null;
                })
                .thenCompose(taken -> channels.caughtUp(channel));
    }

    /** What {@code server_info} reports for this server. */
    public ServerInfo serverInfo() {
        return new ServerInfo(connections.size(), channels.patternCounts());
    }

    /** The number of open connections on this server. */
    public int connections() {
        return connections.size();
    }

    /** Counters and gauges for metrics, for the life of the application; reading them takes no lock. */
    public PubSubStats stats() {
        return stats;
    }

    /** The broker's state for health reports: {@code connected}, {@code reconnecting}, {@code unresponsive}, {@code degraded}. */
    public String brokerState() {
        return broker.state();
    }

    /** The broker's shards (Redis Cluster), for health reports; empty for an unsharded broker. */
    public List<Shard> brokerShards() {
        return broker.shards();
    }

    /** True once the server has begun to shut down. */
    public boolean stopping() {
        return stopping;
    }

    void checkChannel(String channel) {
        if (!allowedName(channel)) {
            throw new ChannelException("channel", ErrorTexts.INVALID_CHANNEL);
        }
    }

    /** Checks a publication's channel and event; returns the event name to deliver ({@code ""} for none). */
    String checkPublishable(String channel, String event) {
        if (!allowedName(channel)) {
            throw new ChannelException("channel", ErrorTexts.CANNOT_PUBLISH);
        }
        if (event == null) {
            return "";
        }
        if (event.codePointCount(0, event.length()) > EventPattern.MAX_LENGTH) {
            throw new ChannelException("event", ErrorTexts.INVALID_EVENT);
        }
        return event;
    }

    /** Whether a channel name follows {@code stream.channel-pattern}. */
    private boolean allowedName(String channel) {
        return channel != null && settings.channelPattern().matcher(channel).matches();
    }

    Recoveries recoveries() {
        return recoveries;
    }

    ChannelAuthorizer authorizer() {
        return authorizer;
    }

    int maxSubscriptions() {
        return settings.maxSubscriptions();
    }

    /** A connection took ({@code delta} > 0) or let go of event patterns. */
    void subscriptionsChanged(int delta) {
        subscriptions.add(delta);
    }

    /** Fires a lifecycle event; an observer's failure is logged and goes no further. */
    private void fire(Object event) {
        try {
            lifecycle.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("An observer of {} failed", event, e);
        }
    }

    /** The application stops: before any bean is destroyed, so the transport still has its threads. */
    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        stop();
    }

    /**
     * Stops the server's side of every connection, once: refuses new handshakes from now on,
     * closes each connection with 1001 after what is queued for it (its replies included),
     * waits for them within the shutdown grace period, then closes the broker. Blocks the
     * calling thread for up to the grace period; later calls return at once.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        CompletableFuture<?>[] closing = connections.values().stream()
                .map(subscriptions -> subscriptions.subscriber().close(CloseStatus.SHUTTING_DOWN).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        Duration grace = settings.shutdownGrace();
        try {
            CompletableFuture.allOf(closing).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Connections still open after the shutdown grace period of {}", grace);
        } catch (ExecutionException e) {
            LOG.warn("A connection failed to close", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
        fanOut.shutdown();
    }
}
