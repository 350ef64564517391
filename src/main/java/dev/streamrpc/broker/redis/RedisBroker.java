package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.broker.PendingBytes;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Shares channels between servers through Redis (Lettuce), and keeps their streams there.
 *
 * <p>Each StreamRPC channel is one Redis channel ({@code streamrpc:{NAME}}), subscribed with
 * SUBSCRIBE while it has local subscribers; event patterns are matched on each node, so Redis
 * sends a node only the channels it needs and never matches globs itself. New channels are
 * subscribed in batches ({@link ChannelBatches}): one SUBSCRIBE and one state read for all
 * that ask while the previous batch is sent, which is what a storm of resubscribing clients
 * needs after a restart; channels nobody holds any more leave in batches too, one UNSUBSCRIBE
 * for many, as when a proxy drops every client at once. A publication runs
 * one script ({@link RedisStreams}) that takes the stream's next offset, appends it to the
 * channel's history stream and PUBLISHes it, atomically: offset order is publish order on
 * every server, and the history is shared.
 *
 * <p>Two connections: one for commands (one publisher's messages keep their order), one for
 * SUBSCRIBE. Lettuce reconnects both with backoff and re-subscribes every channel by itself;
 * what was published meanwhile is filled in from the history by the hub. While disconnected,
 * commands are refused at once rather than queued, and every command times out after
 * {@code stream.broker.timeout}. A publication is acknowledged when the script has run; until
 * then its bytes count against the server's {@link PendingBytes}, as do inbound publications
 * until they are fanned out, so neither a slow Redis nor a flood from it can grow the heap
 * without bound. Inbound messages, and the completions of every stage this broker returns,
 * leave the Lettuce event loop at once for one inbound thread, which keeps each channel's order.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final ConnectionState state = new ConnectionState();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RedisFanOut fanOut;
    private StatefulRedisConnection<byte[], byte[]> publisher;
    private StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private final Duration timeout;
    private final Liveness liveness;
    private ChannelBatches<StreamState> subscribes;
    private ChannelBatches<Void> unsubscribes;

    public RedisBroker(String uri, Duration timeout, PendingBytes pending, int historySize, Duration historyTtl) {
        this.uri = RedisURI.create(uri);
        this.timeout = timeout;
        this.liveness = new Liveness(timeout, System::nanoTime);
        this.fanOut = new RedisFanOut(pending, new RedisStreams(historySize, historyTtl, "PUBLISH"), ChannelBatches.IN_FLIGHT);
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, this.uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    @Override
    public void start(BrokerCallback callback) {
        try {
            client.addListener(state);
            publisher = client.connect(ByteArrayCodec.INSTANCE);
            subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            close(); // Lettuce's threads would outlive a failed start
            throw new IllegalStateException("Cannot connect to Redis at " + redacted() + ": " + e.getMessage(), e);
        }
        subscribes = new ChannelBatches<>("SUBSCRIBE", fanOut.executor(), timeout, subscriber.async()::subscribe,
                channels -> fanOut.states(publisher.async(), channels));
        unsubscribes = new ChannelBatches<>("UNSUBSCRIBE", fanOut.executor(), timeout, subscriber.async()::unsubscribe,
                ChannelBatches::nothingMore);
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == subscriber) {
                    RedisConnectionException lost = new RedisConnectionException("the connection to Redis broke before it confirmed every channel");
                    subscribes.connectionLost(lost);
                    unsubscribes.connectionLost(lost);
                }
            }
        });
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                fanOut.inbound(callback, channel, message);
            }

            @Override
            public void subscribed(byte[] redisChannel, long count) {
                String channel = ChannelKeys.channelOf(redisChannel);
                // Not one of ours: Lettuce subscribed it again after a reconnect.
                if (channel != null && !subscribes.confirmed(channel)) {
                    fanOut.replayLatest(callback, publisher.async(), channel);
                }
            }

            @Override
            public void unsubscribed(byte[] redisChannel, long count) {
                String channel = ChannelKeys.channelOf(redisChannel);
                if (channel != null) {
                    unsubscribes.confirmed(channel);
                }
            }
        });
        state.connected();
        LOG.info("Redis broker connected to {}", redacted());
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        return fanOut.publish(publisher.async(), channel, event, message);
    }

    @Override
    public CompletionStage<StreamState> subscribe(String channel) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.failedFuture(new CannotSubscribe(RedisFanOut.UNNAMABLE));
        }
        return fanOut.subscription(() -> subscribes.add(channel), "Redis did not confirm SUBSCRIBE or the stream's state");
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.completedFuture(null);   // never subscribed; its encoded name is another channel's
        }
        return fanOut.unsubscription(() -> unsubscribes.add(channel), "Redis did not confirm UNSUBSCRIBE");
    }

    @Override
    public CompletionStage<History> history(String channel, long after, int limit) {
        return fanOut.history(publisher.async(), channel, after, limit);
    }

    /** {@code unresponsive} while the connections are open but Redis does not answer ({@link Liveness}). */
    @Override
    public String state() {
        if (publisher == null || !publisher.isOpen() || !subscriber.isOpen()) {
            return "reconnecting";
        }
        return liveness.answering(() -> publisher.async().ping()) ? "connected" : "unresponsive";
    }

    @Override
    public long reconnects() {
        return state.reconnects();
    }

    @Override
    public long dropped() {
        return fanOut.dropped();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        fanOut.close();
    }

    /** The URI without its password, for logs and errors. */
    private String redacted() {
        return uri.getHost() + ":" + uri.getPort();
    }
}
