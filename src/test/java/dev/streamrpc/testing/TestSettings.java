package dev.streamrpc.testing;

import dev.streamrpc.config.Settings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.HashMap;
import java.util.Map;

/** {@link Settings} from {@code key=value} pairs over the defaults, as the server would read them. */
public final class TestSettings {

    private TestSettings() {
    }

    public static Settings of(String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return Settings.from(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 500))
                .build());
    }
}
