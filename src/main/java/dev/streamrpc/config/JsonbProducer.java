package dev.streamrpc.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/**
 * The one {@code Jsonb} shared by the whole server. It is thread-safe and costly to build.
 * {@code @Singleton} rather than {@code @ApplicationScoped}, so that injection points get
 * Yasson's own object (with its tree and parser entry points), not a client proxy.
 */
@ApplicationScoped
public class JsonbProducer {

    @Produces
    @Singleton
    Jsonb jsonb() {
        return JsonbBuilder.create(new JsonbConfig());
    }

    void close(@Disposes Jsonb jsonb) throws Exception {
        jsonb.close();
    }
}
