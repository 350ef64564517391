package dev.streamrpc.config;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.memory.MemoryBroker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the broker from {@code stream.broker}; {@code memory} (the default) serves one server.
 */
@ApplicationScoped
public class BrokerProducer {

    @Produces
    @Singleton
    Broker broker(@ConfigProperty(name = "stream.broker", defaultValue = "memory") String kind) {
        if (kind.equals("memory")) {
            return new MemoryBroker();
        }
        throw new DeploymentException("Unknown stream.broker '" + kind + "'; expected memory");
    }
}
