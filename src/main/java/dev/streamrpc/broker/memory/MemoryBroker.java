package dev.streamrpc.broker.memory;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.StreamState;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker of a single server. It is not a shortcut: a publication goes through the same
 * {@link BrokerCallback} as with a distributed broker, in offset order, and is charged to the
 * same {@link PendingBytes} until it is fanned out, so a flood of publishers is refused rather
 * than queued without bound.
 *
 * <p>Each channel's stream lives here: an epoch drawn at random when the stream is created
 * (so a restarted server has new epochs), an offset counter, and the last
 * {@code stream.history.size} publications for {@code stream.history.ttl}. All streams and
 * their publications, counted as the heap they take (see {@link MemoryStream}), stay together
 * within {@code stream.history.max-bytes}; a publication nobody receives starts no stream when
 * there is no room for it. A stream nobody subscribes to and nobody has published to for the
 * TTL is dropped by a sweep, so idle channels cost nothing; over the bound, one that holds no
 * publication is dropped as soon as its last subscriber leaves.
 */
public final class MemoryBroker implements Broker {

    private final ConcurrentHashMap<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final AtomicLong heldBytes = new AtomicLong();
    private final LongAdder heldPublications = new LongAdder();
    private final PendingBytes pending;
    private final int historySize;
    private final long ttlMillis;
    private final long maxHeldBytes;
    private ScheduledExecutorService sweeper;
    private volatile BrokerCallback callback;

    public MemoryBroker(PendingBytes pending, int historySize, Duration ttl, long maxHeldBytes) {
        this.pending = pending;
        this.historySize = historySize;
        this.ttlMillis = ttl.toMillis();
        this.maxHeldBytes = maxHeldBytes;
    }

    @Override
    public void start(BrokerCallback callback) {
        this.callback = callback;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "memory-broker-expiry");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1000, Math.min(ttlMillis / 2, 60_000));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        BrokerCallback target = callback;
        if (target == null) {
            return CompletableFuture.failedFuture(new CannotPublish("broker is not started"));
        }
        if (!streams.containsKey(channel) && !subscribed.contains(channel)
                && heldBytes.get() + MemoryStream.streamBytes(channel) + MemoryStream.publicationBytes(event, message) > maxHeldBytes) {
            // Nobody receives it and the bound has no room to keep it: a stream made for it would
            // hold only its position, for the TTL, outside the bound (a flood of new channel
            // names filled the heap that way). Not making one looks the same as making it and
            // dropping it: its next use starts a new epoch.
            return CompletableFuture.completedFuture(null);
        }
        while (true) {
            MemoryStream stream = stream(channel);
            boolean handOff;
            // Deciding under the stream's monitor whether it is subscribed keeps subscribe's promise:
            // every publication after the state it returns reaches the callback.
            synchronized (stream) {
                if (!current(channel, stream)) {
                    continue;
                }
                boolean deliver = subscribed.contains(channel);
                if (deliver && !pending.tryCharge(message.size())) {
                    return CompletableFuture.failedFuture(new CannotPublish("too many publications waiting for fan-out"));
                }
                handOff = stream.append(event, message, System.currentTimeMillis(), maxHeldBytes, deliver);
            }
            if (handOff) {
                stream.deliverQueued(target);
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletionStage<StreamState> subscribe(String channel) {
        while (true) {
            MemoryStream stream = stream(channel);
            synchronized (stream) {
                if (current(channel, stream)) {
                    subscribed.add(channel);
                    return CompletableFuture.completedFuture(stream.state());
                }
            }
        }
    }

    /**
     * Over the bound, the stream of a channel left by its last subscriber is dropped at once if it
     * holds no publication, rather than kept for the TTL: subscribing to ever new channel names
     * and leaving them made streams outside the bound. Its next use starts a new epoch, as after
     * the sweep.
     */
    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        subscribed.remove(channel);
        MemoryStream stream = streams.get(channel);
        if (stream != null && heldBytes.get() > maxHeldBytes) {
            dropIfUnused(channel, stream);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<History> history(String channel, long after, int limit) {
        return CompletableFuture.completedFuture(stream(channel).after(after, limit, System.currentTimeMillis(), ttlMillis));
    }

    /** The channel's stream, created with a new epoch if it has none. */
    private MemoryStream stream(String channel) {
        return streams.computeIfAbsent(channel, name -> new MemoryStream(name, newEpoch(), historySize, heldBytes, heldPublications,
                System.currentTimeMillis()));
    }

    /** Drops old publications, and the streams that nobody subscribes to and nobody has used for the TTL. */
    private void sweep() {
        long now = System.currentTimeMillis();
        streams.forEach((channel, stream) -> {
            if (stream.expire(now, ttlMillis)) {
                dropIfUnused(channel, stream);
            }
        });
    }

    /**
     * Drops a stream that holds nothing and nobody subscribes to. Under its monitor, where publish
     * and subscribe check that the stream they locked is still the channel's: a publication or a
     * subscriber arriving meanwhile goes to a new stream, never to a dropped one.
     */
    private void dropIfUnused(String channel, MemoryStream stream) {
        synchronized (stream) {
            if (stream.held() == 0 && !subscribed.contains(channel) && streams.remove(channel, stream)) {
                stream.drop();
            }
        }
    }

    private boolean current(String channel, MemoryStream stream) {
        return streams.get(channel) == stream;
    }

    @Override
    public long heldPublications() {
        return heldPublications.sum();
    }

    /**
     * An epoch only has to differ from the stream's earlier ones and from another run's; nothing
     * is protected by its being hard to guess (a client reads the current epoch from any
     * positioned reply). So not {@code SecureRandom}: a subscribe storm creates a stream per
     * channel, and each draw from it read {@code /dev/urandom} under a lock (profiled: 2.5 % of a
     * storm's CPU, and 1.1 s of the C2 compiler's time while a fresh server was busiest).
     */
    private static String newEpoch() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    @Override
    public void close() {
        callback = null;
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        subscribed.clear();
    }
}
