package dev.streamrpc.config;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.memory.MemoryBroker;
import dev.streamrpc.broker.redis.RedisBroker;
import dev.streamrpc.broker.redis.RedisClusterBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses the broker from {@code stream.broker}: {@code memory} (the default) serves one
 * server; {@code redis} shares channels between servers through {@code stream.redis.uri}, a
 * Redis Cluster with sharded pub/sub when {@code stream.redis.cluster} is true.
 * Also the server's one {@link PendingBytes} budget, shared by the broker and the hub.
 */
@ApplicationScoped
public class BrokerProducer {

    @Produces
    @Singleton
    PendingBytes pendingBytes(Settings settings) {
        return new PendingBytes(settings.maxPendingBytes());
    }

    @Produces
    @Singleton
    Broker broker(Settings settings, PendingBytes pending) {
        return switch (settings.broker()) {
            case "redis" -> settings.redisCluster()
                    ? new RedisClusterBroker(settings.redisUri(), settings.brokerTimeout(), settings.clusterRefresh(), pending,
                            settings.historySize(), settings.historyTtl())
                    : new RedisBroker(settings.redisUri(), settings.brokerTimeout(), pending, settings.historySize(), settings.historyTtl());
            default -> new MemoryBroker(pending, settings.historySize(), settings.historyTtl(), settings.historyMaxBytes());
        };
    }

    /** The hub closes the broker after the connections at shutdown; this covers every other end (close is idempotent). */
    void close(@Disposes Broker broker) {
        broker.close();
    }
}
