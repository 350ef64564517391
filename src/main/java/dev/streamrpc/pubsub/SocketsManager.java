package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.ConnectionClosed;
import dev.streamrpc.api.ConnectionOpened;
import dev.streamrpc.api.Publisher;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.EncodedMessage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Owns the open connections and the channels, and fans messages out. Publications, from
 * clients or from application code, are encoded once here, handed to the broker, and come
 * back through the broker's callback to the hub, the one fan-out path.
 *
 * <p>Applications inject it (or {@link Publisher}) to publish; they observe
 * {@link ConnectionOpened}, {@link ConnectionClosed}, {@code ChannelActivated} and
 * {@code ChannelDeactivated} to follow the lifecycle.
 */
@ApplicationScoped
public class SocketsManager implements Publisher {

    /** Status 1001, sent to every connection when the server stops. */
    public static final int GOING_AWAY = 1001;
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
    @ConfigProperty(name = "stream.channel-pattern", defaultValue = "[a-z0-9_\\-.:]{1,200}")
    String channelPattern;

    @Inject
    @ConfigProperty(name = "stream.max-subscriptions", defaultValue = "256")
    int maxSubscriptions;

    private final ConcurrentHashMap<String, Member> members = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private volatile boolean stopping;
    private final HubStats stats = new HubStats() {
        @Override public long published() { return published.sum(); }
        @Override public long delivered() { return hub.delivered(); }
        @Override public int channels() { return hub.channels(); }
        @Override public long subscriptions() { return hub.patterns(); }
        @Override public long brokerReconnects() { return broker.reconnects(); }
    };
    private Consumer<Object> lifecycle;
    private ChannelAuthorizer authorizer;
    private Pattern channelRule;
    private int subscriptionLimit;
    private Hub hub;

    @PostConstruct
    void start() {
        start(broker, jsonb, events::fire, authorizers.isResolvable() ? authorizers.get() : new ChannelAuthorizer() { },
                channelPattern, maxSubscriptions);
    }

    /** Wires the manager; the container calls it through {@link #start()}, tests directly. */
    void start(Broker broker, Jsonb jsonb, Consumer<Object> lifecycle, ChannelAuthorizer authorizer,
               String channelPattern, int maxSubscriptions) {
        this.broker = broker;
        this.authorizer = authorizer;
        this.jsonb = jsonb;
        this.lifecycle = lifecycle;
        this.channelRule = Pattern.compile(channelPattern);
        this.subscriptionLimit = maxSubscriptions;
        this.hub = new Hub(broker, this::fire);
        broker.start(hub);
    }

    /**
     * Starts with the application, so that a broker that cannot start fails the deployment:
     * delivering this event to the bean creates it.
     */
    void eager(@Observes Startup startup) {
        // nothing more to do
    }

    /** Adds an open connection; the returned view is its subscriptions and publishing. */
    public ConnectionChannels register(Subscriber subscriber) {
        Member member = new Member(subscriber, this, hub);
        members.put(subscriber.id(), member);
        fire(new ConnectionOpened(subscriber.id()));
        return member;
    }

    /** Removes a closed connection and all its subscriptions, at once. Safe to call twice. */
    public void unregister(Subscriber subscriber) {
        Member member = members.remove(subscriber.id());
        if (member != null) {
            member.leave();
            fire(new ConnectionClosed(subscriber.id()));
        }
    }

    @Override
    public void publish(String channel, String event, Object data) {
        if (!allowedName(channel)) {
            throw new ChannelException("channel", "Cannot publish to channel");
        }
        String name = event == null ? "" : event;
        EncodedMessage message = EncodedMessage.of(jsonb.toJson(new Publication(channel, name, data == null ? JsonValue.NULL : data)));
        try {
            broker.publish(channel, name, message);
            published.increment();
        } catch (CannotPublish e) {
            LOG.debug("Broker refused a publication to {}", channel, e);
            throw new ChannelException("channel", "Cannot publish to channel", e);
        }
    }

    /** What {@code server_info} reports for this server. */
    public ServerInfo serverInfo() {
        return new ServerInfo(members.size(), hub.patternCounts());
    }

    /** The number of open connections on this server. */
    public int connections() {
        return members.size();
    }

    /** Counters and gauges for metrics, for the life of the application; reading them takes no lock. */
    public HubStats stats() {
        return stats;
    }

    /** The broker's state for health reports: {@code connected}, {@code reconnecting}, ... */
    public String brokerState() {
        return broker.state();
    }

    /** True once the server has begun to shut down. */
    public boolean stopping() {
        return stopping;
    }

    void checkChannel(String channel) {
        if (!allowedName(channel)) {
            throw new ChannelException("channel", "Invalid channel");
        }
    }

    /** Whether a channel name follows {@code stream.channel-pattern}. */
    private boolean allowedName(String channel) {
        return channel != null && channelRule.matcher(channel).matches();
    }

    ChannelAuthorizer authorizer() {
        return authorizer;
    }

    int maxSubscriptions() {
        return subscriptionLimit;
    }

    /** Fires a lifecycle event; an observer's failure is logged and goes no further. */
    private void fire(Object event) {
        try {
            lifecycle.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("An observer of {} failed", event, e);
        }
    }

    /** Closes every connection with 1001, then the broker. */
    @PreDestroy
    void stop() {
        stopping = true;
        members.values().forEach(member -> member.subscriber().close(GOING_AWAY, "server shutting down"));
        broker.close();
    }
}
