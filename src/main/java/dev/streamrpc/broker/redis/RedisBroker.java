package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.EncodedMessage;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shares channels between servers through Redis pub/sub (Lettuce).
 *
 * <p>Each StreamRPC channel is one Redis channel ({@code streamrpc:NAME}), subscribed with
 * SUBSCRIBE while it has local subscribers; event patterns are matched on each node, so Redis
 * sends a node only the channels it needs and never matches globs itself.
 *
 * <p>Two connections: one for PUBLISH (commands on one connection keep their order, so one
 * publisher's messages stay in order), one for SUBSCRIBE. Lettuce reconnects both with
 * backoff and re-subscribes every channel by itself. Inbound messages are handed from the
 * Lettuce event loop to one fan-out thread, so the event loop never waits for fan-out and
 * each channel's order is kept.
 */
public final class RedisBroker implements Broker {

    static final String PREFIX = "streamrpc:";
    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
    private static final int FAN_OUT_QUEUE = 65_536;
    private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(1);

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final ConnectionState state = new ConnectionState();
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor fanOut;
    private StatefulRedisConnection<byte[], byte[]> publisher;
    private StatefulRedisPubSubConnection<byte[], byte[]> subscriber;

    public RedisBroker(String uri) {
        this.uri = RedisURI.create(uri);
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, this.uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true).build());
        this.fanOut = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(FAN_OUT_QUEUE), r -> {
            Thread thread = new Thread(r, "redis-fanout");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void start(BrokerCallback callback) {
        client.addListener(state);
        publisher = client.connect(ByteArrayCodec.INSTANCE);
        subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE);
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                inbound(callback, channel, message);
            }
        });
        state.connected();
        LOG.info("Redis broker connected to {}", uri.toURI());
    }

    private void inbound(BrokerCallback callback, byte[] redisChannel, byte[] wire) {
        String channel = new String(redisChannel, StandardCharsets.UTF_8).substring(PREFIX.length());
        try {
            fanOut.execute(() -> {
                try {
                    RedisWireFormat.Inbound inbound = RedisWireFormat.decode(wire);
                    callback.onPublication(channel, inbound.event(), inbound.message());
                } catch (IllegalArgumentException e) {
                    LOG.debug("Ignored a message on {} that is not a StreamRPC publication", channel);
                }
            });
        } catch (RejectedExecutionException e) {
            // Delivery is at most once: a node that cannot keep up drops, and says so once per burst.
            if (dropped.getAndIncrement() == 0) {
                LOG.warn("Redis fan-out queue is full; dropping inbound publications");
            }
            return;
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("Redis fan-out resumed after dropping {} publications", lost);
        }
    }

    @Override
    public void publish(String channel, String event, EncodedMessage message) throws CannotPublish {
        if (!publisher.isOpen()) {
            throw new CannotPublish("Redis is not connected");
        }
        // Not awaited: the caller may be an I/O thread. A failure after this point means the
        // connection dropped; the state listener reports it once.
        publisher.async().publish(key(channel), RedisWireFormat.encode(event, message));
    }

    /**
     * Subscribes the Redis channel. While connected it waits (briefly) for Redis to confirm,
     * so that a publication made right after a client's subscribe is not missed; this happens
     * once per channel, when it gains its first local subscriber. While disconnected, Lettuce
     * queues the command and re-subscribes after reconnecting, so nothing waits.
     */
    @Override
    public void subscribe(String channel) {
        RedisFuture<Void> done = subscriber.async().subscribe(key(channel));
        if (subscriber.isOpen()) {
            try {
                done.get(SUBSCRIBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Redis has not confirmed the subscription to {} yet", channel, e);
            }
        }
    }

    @Override
    public void unsubscribe(String channel) {
        subscriber.async().unsubscribe(key(channel));
    }

    @Override
    public String state() {
        return publisher != null && publisher.isOpen() && subscriber.isOpen() ? "connected" : "reconnecting";
    }

    @Override
    public long reconnects() {
        return state.reconnects();
    }

    @Override
    public void close() {
        if (subscriber != null) {
            subscriber.close();
            publisher.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        fanOut.shutdown();
    }

    private static byte[] key(String channel) {
        return (PREFIX + channel).getBytes(StandardCharsets.UTF_8);
    }
}
