package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.broker.PendingBytes;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shares channels between servers through Redis (Lettuce), and keeps their streams there.
 *
 * <p>Each StreamRPC channel is one Redis channel ({@code streamrpc:{NAME}}), subscribed with
 * SUBSCRIBE while it has local subscribers; event patterns are matched on each node, so Redis
 * sends a node only the channels it needs and never matches globs itself. A publication runs
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
 * leave the Lettuce event loop at once for one fan-out thread, which keeps each channel's order.
 */
public final class RedisBroker implements Broker {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisURI uri;
    private final PendingBytes pending;
    private final ClientResources resources;
    private final RedisClient client;
    private final ConnectionState state = new ConnectionState();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInBurst = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService fanOut;
    private final RedisStreams streams;
    private StatefulRedisConnection<byte[], byte[]> publisher;
    private StatefulRedisPubSubConnection<byte[], byte[]> subscriber;

    public RedisBroker(String uri, Duration timeout, PendingBytes pending, int historySize, Duration historyTtl) {
        this.uri = RedisURI.create(uri);
        this.pending = pending;
        this.streams = new RedisStreams(historySize, historyTtl, "PUBLISH");
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, this.uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        // Unbounded in count, bounded in bytes: every queued publication is charged to pending.
        this.fanOut = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "redis-fanout");
            thread.setDaemon(true);
            return thread;
        });
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
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                inbound(callback, channel, message);
            }
        });
        state.connected();
        LOG.info("Redis broker connected to {}", redacted());
    }

    /** Runs on Lettuce's event loop: charge, hand over, return. */
    private void inbound(BrokerCallback callback, byte[] redisChannel, byte[] wire) {
        if (!pending.tryCharge(wire.length)) {
            dropped.incrementAndGet();
            // The hub notices the skipped offsets and fills them in from the history; say so once per burst.
            if (droppedInBurst.getAndIncrement() == 0) {
                LOG.warn("Too many inbound publications waiting for fan-out; dropping them");
            }
            return;
        }
        long lost = droppedInBurst.getAndSet(0);
        if (lost > 0) {
            LOG.warn("Inbound fan-out resumed after dropping {} publications", lost);
        }
        fanOut.execute(() -> {
            String channel = ChannelKeys.channelOf(redisChannel);
            Publication publication;
            try {
                publication = RedisWireFormat.decode(wire);
            } catch (IllegalArgumentException e) {
                channel = null;
                publication = null;
            }
            if (channel == null) {
                pending.release(wire.length);
                LOG.debug("Ignored a Redis message that is not a StreamRPC publication");
                return;
            }
            // The callback releases the frame's own bytes once fanned out; the envelope's go now.
            pending.release(wire.length - publication.message().size());
            callback.onPublication(channel, publication);
        });
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        long charged = message.size() + event.length();
        if (!pending.tryCharge(charged)) {
            return CompletableFuture.failedFuture(new CannotPublish("too many publications waiting for Redis"));
        }
        return streams.publish(publisher.async(), channel, event, message)
                .handleAsync((offset, failure) -> {
                    pending.release(charged);
                    if (failure != null) {
                        throw new CompletionException(new CannotPublish("Redis did not take the publication", failure));
                    }
                    return (Void) null;
                }, fanOut);
    }

    @Override
    public CompletionStage<StreamState> subscribe(String channel) {
        return subscriber.async().subscribe(ChannelKeys.of(channel).pubsub())
                .thenCompose(ok -> streams.history(publisher.async(), channel, 0, 0))
                .handleAsync((history, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(new CannotSubscribe("Redis did not confirm SUBSCRIBE", failure));
                    }
                    return history.state();
                }, fanOut);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        return subscriber.async().unsubscribe(ChannelKeys.of(channel).pubsub())
                .handleAsync((ok, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(new CannotSubscribe("Redis did not confirm UNSUBSCRIBE", failure));
                    }
                    return (Void) null;
                }, fanOut);
    }

    @Override
    public CompletionStage<History> history(String channel, long after, int limit) {
        return streams.history(publisher.async(), channel, after, limit)
                .handleAsync((history, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(new CannotSubscribe("Redis did not answer for the history", failure));
                    }
                    return history;
                }, fanOut);
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
    public long dropped() {
        return dropped.get();
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
        fanOut.shutdown();
    }

    /** The URI without its password, for logs and errors. */
    private String redacted() {
        return uri.getHost() + ":" + uri.getPort();
    }
}
