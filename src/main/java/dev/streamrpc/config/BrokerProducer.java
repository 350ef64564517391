package dev.streamrpc.config;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.memory.MemoryBroker;
import dev.streamrpc.broker.redis.RedisBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the broker from {@code stream.broker}: {@code memory} (the default) serves one
 * server; {@code redis} shares channels between servers through {@code stream.redis.uri}
 * ({@code redis://[:password@]host:port}, or {@code rediss://} for TLS).
 */
@ApplicationScoped
public class BrokerProducer {

    @Produces
    @Singleton
    Broker broker(@ConfigProperty(name = "stream.broker", defaultValue = "memory") String kind,
                  @ConfigProperty(name = "stream.redis.uri", defaultValue = "redis://localhost:6379") String redisUri) {
        return switch (kind) {
            case "memory" -> new MemoryBroker();
            case "redis" -> new RedisBroker(redisUri);
            default -> throw new DeploymentException("Unknown stream.broker '" + kind + "'; expected memory or redis");
        };
    }
}
