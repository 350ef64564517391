package dev.streamrpc.config;

import dev.streamrpc.testing.TestSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad value fails start-up with a message naming its key, as the README promises. */
class SettingsTest {

    @Test
    void aRateBurstBelowOneRequestIsRefused() {
        assertThatThrownBy(() -> TestSettings.of("stream.rate-burst=0.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.rate-burst: expected a number of at least 1, got '0.5'");
        assertThat(TestSettings.of("stream.rate-burst=1").rateBurst()).isEqualTo(1);
    }

    @Test
    void everyBadKeyIsNamedAtOnce() {
        assertThatThrownBy(() -> TestSettings.of("stream.rate-limit=0", "stream.max-subscriptions=-3", "stream.idle-timeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.rate-limit: expected a number above 0, got '0'")
                .hasMessageContaining("stream.max-subscriptions: expected a whole number above 0, got '-3'")
                .hasMessageContaining("stream.idle-timeout: expected an ISO-8601 duration");
    }

    /** Durations are used in whole milliseconds, where 0 means none (idle timeout) or at once (a Redis key's expiry). */
    @Test
    void aDurationBelowOneMillisecondIsRefused() {
        assertThatThrownBy(() -> TestSettings.of("stream.idle-timeout=PT0.0005S", "stream.history.ttl=PT0.000999S"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.idle-timeout: expected an ISO-8601 duration of at least 1 ms (PT0.001S) such as PT30S, got 'PT0.0005S'")
                .hasMessageContaining("stream.history.ttl: expected an ISO-8601 duration of at least 1 ms");
        assertThat(TestSettings.of("stream.history.ttl=PT0.001S").historyTtl()).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> TestSettings.of("stream.history.ttl=P200000000000D"))
                .hasMessageContaining("stream.history.ttl: expected an ISO-8601 duration of at least 1 ms");
    }

    @Test
    void theDefaultsAreValid() {
        Settings defaults = TestSettings.of();
        assertThat(defaults.rateBurst()).isEqualTo(2000);
        assertThat(defaults.rateLimit()).isEqualTo(1000);
    }
}
