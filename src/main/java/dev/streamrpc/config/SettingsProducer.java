package dev.streamrpc.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads {@link Settings} once, when the first bean that needs them is created. */
@ApplicationScoped
public class SettingsProducer {

    @Produces
    @Singleton
    Settings settings() {
        return Settings.from(ConfigProvider.getConfig());
    }
}
