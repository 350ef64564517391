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
    void pingsTurnOffWithZeroAndComeAtMostOnceASecond() {
        assertThat(TestSettings.of().pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(TestSettings.of("stream.ping-interval=PT0S").pingInterval()).isZero();
        assertThat(TestSettings.of("stream.ping-interval=pt0m").pingInterval()).isZero();
        assertThat(TestSettings.of("stream.ping-interval=PT2S").pingInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> TestSettings.of("stream.ping-interval=PT0.5S"))
                .hasMessageContaining("stream.ping-interval: expected PT0S (off) or an ISO-8601 duration of at least 1 s (PT1S), got 'PT0.5S'");
        assertThatThrownBy(() -> TestSettings.of("stream.ping-interval=P200000D"))
                .hasMessageContaining("stream.ping-interval: expected PT0S (off)");
        assertThatThrownBy(() -> TestSettings.of("stream.ping-interval=often"))
                .hasMessageContaining("stream.ping-interval: expected PT0S (off) or an ISO-8601 duration");
    }

    @Test
    void theDefaultsAreValid() {
        Settings defaults = TestSettings.of();
        assertThat(defaults.rateBurst()).isEqualTo(2000);
        assertThat(defaults.rateLimit()).isEqualTo(1000);
    }

    /** A whole number is read as a long: one beyond an int is refused, not cast to a small or negative limit. */
    @Test
    void aWholeNumberBeyondAnIntIsRefusedNotWrapped() {
        assertThat(TestSettings.of("stream.max-message-bytes=2147483647").maxMessageBytes()).isEqualTo(Integer.MAX_VALUE);
        // 2^32 + 1 would be 1 as an int.
        assertThatThrownBy(() -> TestSettings.of("stream.max-message-bytes=4294967297", "stream.max-subscriptions=2147483648"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.max-message-bytes: at most 2147483647, got 4294967297")
                .hasMessageContaining("stream.max-subscriptions: at most 2147483647, got 2147483648");
    }

    /** A size or count of 0 would refuse everything, except the history size, where 0 turns history off. */
    @Test
    void zeroIsRefusedForLimitsButTurnsHistoryOff() {
        assertThatThrownBy(() -> TestSettings.of("stream.max-queued-bytes=0", "stream.max-subscriptions=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.max-queued-bytes: expected a whole number above 0, got '0'")
                .hasMessageContaining("stream.max-subscriptions: expected a whole number above 0, got '0'");
        Settings smallest = TestSettings.of("stream.max-queued-bytes=1", "stream.max-subscriptions=1");
        assertThat(smallest.maxQueuedBytes()).isEqualTo(1);
        assertThat(smallest.maxSubscriptions()).isEqualTo(1);
        assertThat(TestSettings.of("stream.history.size=0").historySize()).isZero();
        assertThat(TestSettings.of("stream.history.size=7").historySize()).isEqualTo(7);
        assertThatThrownBy(() -> TestSettings.of("stream.history.size=-1"))
                .hasMessageContaining("stream.history.size: expected a whole number above 0, got '-1'");
    }

    /** The channel pattern is the rule every client's channel name must follow: a bad one fails start-up. */
    @Test
    void theChannelPatternIsReadAndABadOneIsNamed() {
        assertThat(TestSettings.of("stream.channel-pattern=[a-c]{1,3}").channelPattern().pattern()).isEqualTo("[a-c]{1,3}");
        assertThatThrownBy(() -> TestSettings.of("stream.channel-pattern=[a-z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.channel-pattern: not a regular expression");
    }

    /** Only the listed words are accepted: a typo in the broker or a switch fails start-up instead of meaning the default. */
    @Test
    void choicesAndSwitchesAcceptOnlyTheirWords() {
        Settings chosen = TestSettings.of("stream.broker=redis", "stream.send-path=jakarta", "stream.compression=true");
        assertThat(chosen.broker()).isEqualTo("redis");
        assertThat(chosen.sendPath()).isEqualTo("jakarta");
        assertThat(chosen.compression()).isTrue();
        assertThat(TestSettings.of().compression()).isFalse();
        assertThat(TestSettings.of("stream.redis.cluster=false").redisCluster()).isFalse();
        assertThatThrownBy(() -> TestSettings.of("stream.broker=kafka", "stream.compression=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.broker: expected one of memory, redis, got 'kafka'")
                .hasMessageContaining("stream.compression: expected one of true, false, got 'yes'");
    }
}
