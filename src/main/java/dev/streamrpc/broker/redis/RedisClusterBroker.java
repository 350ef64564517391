package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Shard;
import dev.streamrpc.broker.StreamState;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shares channels between servers through a Redis Cluster with sharded pub/sub: a channel
 * lives on the shard that owns its slot, its history keys too (they share its hash tag), and
 * the publish script runs there and SPUBLISHes, so publishing scales with the shards. Each
 * server SSUBSCRIBEs only the channels it has local subscribers for, one channel per command
 * (several channels in one SSUBSCRIBE must share a slot, or Redis refuses them all).
 *
 * <p><b>Subscriptions follow the owner.</b> Lettuce routes SSUBSCRIBE to the slot's master but
 * never moves a sharded subscription: after a failover nothing tells the subscriber, and after
 * a slot moves Redis sends an unsolicited {@code sunsubscribe}. So this broker keeps, per
 * channel, the node that confirmed its subscription, and subscribes again when Redis drops it
 * ({@code sunsubscribe} of a channel still wanted), when the cluster's topology gives the slot
 * another master, when the connection to the confirming node comes back (Lettuce's own
 * re-subscribe sends all of a node's channels in one command), and, for any that did not
 * succeed, every refresh period. Messages from another node than the confirming one (a
 * returning old master) are dropped, so nothing arrives twice. What was published meanwhile is
 * read back from the history by the hub, which sees the skipped offsets. SSUBSCRIBE is
 * idempotent, so subscribing again on several signals at once is harmless.
 *
 * <p>Lettuce reads the topology every {@code stream.redis.cluster.refresh-period} and on every
 * MOVED, ASK and failed reconnect (at most once a second), and leaves failed nodes out of it.
 */
public final class RedisClusterBroker implements Broker {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBroker.class);

    private final List<RedisURI> seeds;
    private final ClientResources resources;
    private final RedisClusterClient client;
    private final RedisFanOut fanOut;
    private final Duration refresh;
    /** The channels with local subscribers. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** Each wanted channel's confirming node id; absent while its subscription is pending. */
    private final Map<String, String> confirmed = new ConcurrentHashMap<>();
    /** Wanted channels whose subscribe-again has not been confirmed yet. */
    private final Set<String> retrying = ConcurrentHashMap.newKeySet();
    /** Open connections per node address: the broker's own, and those the topology refresh opens and closes each period. */
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    /** Node addresses that Lettuce is reconnecting a kept connection to: their next activation is a reconnect. */
    private final Set<String> lostAddresses = ConcurrentHashMap.newKeySet();
    private final AtomicLong resubscriptions = new AtomicLong();
    private final AtomicLong topologyChanges = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "redis-cluster-reconcile");
        thread.setDaemon(true);
        return thread;
    });
    private StatefulRedisClusterConnection<byte[], byte[]> commands;
    private StatefulRedisClusterPubSubConnection<byte[], byte[]> pubsub;
    private Disposable events;

    /** @param seeds one or more {@code redis://} URIs of cluster nodes, comma-separated */
    public RedisClusterBroker(String seeds, Duration timeout, Duration refresh, PendingBytes pending, int historySize,
                              Duration historyTtl) {
        this.seeds = Arrays.stream(seeds.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(RedisURI::create).toList();
        this.refresh = refresh;
        this.fanOut = new RedisFanOut(pending, new RedisStreams(historySize, historyTtl, "SPUBLISH"), RedisFanOut.SUBSCRIPTIONS_IN_FLIGHT);
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClusterClient.create(resources, this.seeds);
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(refresh)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .build())
                // Only nodes the cluster agreed have failed: one node's suspicion is not enough.
                .nodeFilter(node -> !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.NOADDR))
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    @Override
    public void start(BrokerCallback callback) {
        events = resources.eventBus().get().subscribe(event -> {
            if (event instanceof ClusterTopologyChangedEvent) {
                topologyChanges.incrementAndGet();
                followOwners();
            } else if (event instanceof ConnectionActivatedEvent activated) {
                String address = address(activated.remoteAddress());
                connections.merge(address, 1, Integer::sum);
                if (lostAddresses.remove(address)) {
                    resubscribeOn(address);
                }
            } else if (event instanceof ConnectionDeactivatedEvent deactivated) {
                connections.computeIfPresent(address(deactivated.remoteAddress()), (address, open) -> open > 1 ? open - 1 : null);
            } else if (event instanceof ReconnectAttemptEvent reconnecting) {
                // Only the connections Lettuce keeps (commands, pub/sub) are reconnected. A closed
                // connection of the topology refresh is not a lost subscription: taking it for one
                // subscribed every channel again, and re-delivered its latest publication, every period.
                lostAddresses.add(address(reconnecting.remoteAddress()));
            }
        });
        try {
            commands = client.connect(ByteArrayCodec.INSTANCE);
            pubsub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            close(); // Lettuce's threads would outlive a failed start
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot reach the Redis Cluster at " + redactedSeeds() + ": " + cause.getMessage(), e);
        }
        pubsub.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                String name = ChannelKeys.channelOf(channel);
                // Only from the node that confirmed the channel: a returning old master would duplicate.
                if (name != null && node.getNodeId().equals(confirmed.get(name))) {
                    fanOut.inbound(callback, channel, message);
                }
            }

            @Override
            public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                String name = ChannelKeys.channelOf(channel);
                if (name != null && wanted.contains(name)) {
                    confirmed.put(name, node.getNodeId());
                    if (retrying.remove(name)) {
                        // Subscribed again (a failover, a moved slot, a reconnect): what was published
                        // meanwhile is noticed now, not with the channel's next publication.
                        fanOut.replayLatest(callback, commands.async(), name);
                    }
                }
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                String name = ChannelKeys.channelOf(channel);
                // Unsolicited when the channel is still wanted: its slot moved; follow it.
                if (name != null && wanted.contains(name) && node.getNodeId().equals(confirmed.get(name))) {
                    resubscribe(name, "sunsubscribe", true);
                }
            }
        });
        long period = refresh.toMillis();
        reconciler.scheduleWithFixedDelay(this::retryPending, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Redis Cluster broker connected to {} ({} masters)", redactedSeeds(), masters().size());
    }

    @Override
    public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
        return fanOut.publish(commands.async(), channel, event, message);
    }

    @Override
    public CompletionStage<StreamState> subscribe(String channel) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.failedFuture(new CannotSubscribe(RedisFanOut.UNNAMABLE));
        }
        wanted.add(channel);
        return fanOut.subscription(() -> pubsub.async().ssubscribe(ChannelKeys.of(channel).pubsub())
                .thenCompose(ok -> fanOut.state(commands.async(), channel)), "Redis did not confirm SSUBSCRIBE or the stream's state");
    }

    @Override
    public CompletionStage<Void> unsubscribe(String channel) {
        if (!ChannelKeys.namable(channel)) {
            return CompletableFuture.completedFuture(null);   // never subscribed; its encoded name is another channel's
        }
        wanted.remove(channel);
        confirmed.remove(channel);
        retrying.remove(channel);
        return fanOut.unsubscription(() -> pubsub.async().sunsubscribe(ChannelKeys.of(channel).pubsub()), "Redis did not confirm SUNSUBSCRIBE");
    }

    @Override
    public CompletionStage<History> history(String channel, long after, int limit) {
        return fanOut.history(commands.async(), channel, after, limit);
    }

    // ---------------------------------------------------------------- following the owners

    /** The topology changed: a channel whose slot has another master now is subscribed there. */
    private void followOwners() {
        confirmed.forEach((channel, node) -> {
            RedisClusterNode owner = client.getPartitions().getMasterBySlot(SlotHash.getSlot(ChannelKeys.of(channel).pubsub()));
            if (owner == null || !owner.getNodeId().equals(node)) {
                resubscribe(channel, "topology", true);
            }
        });
    }

    /**
     * Lettuce reconnected to a node: its own re-subscribe can lose channels of several slots,
     * so do it per channel. The node is still the owner, so its messages keep being taken.
     */
    private void resubscribeOn(String address) {
        confirmed.forEach((channel, node) -> {
            RedisClusterNode confirming = client.getPartitions().getPartitionByNodeId(node);
            if (confirming != null && address.equals(confirming.getUri().getHost() + ":" + confirming.getUri().getPort())) {
                resubscribe(channel, "reconnect", false);
            }
        });
    }

    private void retryPending() {
        retrying.forEach(channel -> resubscribe(channel, "retry", false));
    }

    /** @param elsewhere whether the confirming node no longer has the channel (its messages are then not taken) */
    private void resubscribe(String channel, String reason, boolean elsewhere) {
        if (!wanted.contains(channel)) {
            return;
        }
        if (elsewhere) {
            confirmed.remove(channel);
        }
        retrying.add(channel);
        resubscriptions.incrementAndGet();
        LOG.debug("Subscribing channel {} again ({})", channel, reason);
        pubsub.async().ssubscribe(ChannelKeys.of(channel).pubsub()).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("Subscribing channel {} again failed; retrying", channel, failure);
            }
        });
    }

    // ---------------------------------------------------------------- reports

    /**
     * {@code degraded} while some slot has no master or the pub/sub connection is down: most
     * channels may still work. With no connection open to any node nothing works:
     * {@code reconnecting}, as a single Redis that is down.
     */
    @Override
    public String state() {
        if (connections.isEmpty()) {
            return "reconnecting";
        }
        int covered = 0;
        for (RedisClusterNode master : masters()) {
            covered += master.getSlots().size();
        }
        return covered == SlotHash.SLOT_COUNT && pubsub != null && pubsub.isOpen() ? "connected" : "degraded";
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        for (RedisClusterNode master : masters()) {
            String address = master.getUri().getHost() + ":" + master.getUri().getPort();
            int channels = (int) confirmed.values().stream().filter(master.getNodeId()::equals).count();
            shards.add(new Shard(master.getNodeId(), address, master.getSlots().size(), connections.containsKey(address), channels));
        }
        return shards;
    }

    private List<RedisClusterNode> masters() {
        return client.getPartitions().stream().filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
                .toList();
    }

    @Override
    public long resubscriptions() {
        return resubscriptions.get();
    }

    @Override
    public long topologyChanges() {
        return topologyChanges.get();
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
        reconciler.shutdownNow();
        if (events != null) {
            events.dispose();
        }
        if (pubsub != null) {
            pubsub.close();
        }
        if (commands != null) {
            commands.close();
        }
        try {
            // After a failover Lettuce's shutdown now and then never completes (redis/lettuce#2278): bound it.
            client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("The Redis Cluster client did not shut down in time; going on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fanOut.close();
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    /** The seeds without passwords, for logs and errors. */
    private String redactedSeeds() {
        return String.join(",", seeds.stream().map(uri -> uri.getHost() + ":" + uri.getPort()).toList());
    }
}
