package dev.streamrpc.rpc.cdi;

import dev.streamrpc.rpc.MethodRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the method registry once, binding each method to its bean's contextual reference.
 * A normal-scoped bean's reference is its client proxy; a {@code @Dependent} bean gets one
 * instance for the life of the application, released at shutdown.
 */
@ApplicationScoped
public class RegistryProducer {

    @Inject
    RpcExtension extension;

    @Inject
    BeanManager beans;

    private final List<CreationalContext<?>> contexts = new ArrayList<>();

    @Produces
    @Singleton
    MethodRegistry registry() {
        return MethodRegistry.of(extension.methods(), candidate -> {
            Bean<?> bean = (Bean<?>) candidate.bean();
            CreationalContext<?> context = beans.createCreationalContext(bean);
            synchronized (contexts) {
                contexts.add(context);
            }
            return beans.getReference(bean, candidate.beanClass(), context);
        });
    }

    void release(@Disposes MethodRegistry registry) {
        synchronized (contexts) {
            contexts.forEach(CreationalContext::release);
            contexts.clear();
        }
    }

    /** Builds the table at start-up rather than on the first request. */
    void eager(@Observes Startup startup, MethodRegistry registry) {
        registry.names();
    }
}
