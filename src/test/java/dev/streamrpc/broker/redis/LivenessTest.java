package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether Redis answers, with PINGs whose answers the test gives and a clock it moves: a
 * probe never waits, one PING at a time is sent, and Redis is silent once a PING has waited a
 * whole timeout or failed, until one is answered.
 */
class LivenessTest {

    private static final long SECOND = 1_000_000_000L;

    private long now = 1_000;
    private final List<CompletableFuture<String>> pings = new ArrayList<>();
    private final Liveness liveness = new Liveness(Duration.ofSeconds(2), () -> now);

    private boolean probe() {
        return liveness.answering(() -> {
            CompletableFuture<String> ping = new CompletableFuture<>();
            pings.add(ping);
            return ping;
        });
    }

    @Test
    void aPingAnsweredWithinTheTimeoutKeepsRedisAnswering() {
        assertThat(probe()).isTrue();
        now += SECOND;
        assertThat(probe()).as("the first PING is still within its timeout").isTrue();
        assertThat(pings).as("one PING at a time").hasSize(1);
        pings.get(0).complete("PONG");
        assertThat(probe()).isTrue();
        assertThat(pings).as("a second after the first").hasSize(2);
    }

    @Test
    void probesAsFastAsAnyoneAsksSendAtMostOnePingASecond() {
        for (int i = 0; i < 1_000; i++) {
            probe();
            pings.get(pings.size() - 1).complete("PONG");
            now += SECOND / 1_000;
        }
        assertThat(pings).hasSize(1);
        now += SECOND;
        probe();
        assertThat(pings).hasSize(2);
    }

    @Test
    void aPingUnansweredForATimeoutMakesRedisSilentUntilOneIsAnswered() {
        probe();
        now += 2 * SECOND;
        assertThat(probe()).as("a PING waited the whole timeout").isFalse();
        pings.get(0).completeExceptionally(new RedisCommandTimeoutException("Command timed out after 2 second(s)"));
        now += SECOND;
        assertThat(probe()).as("the last PING failed").isFalse();
        assertThat(pings).as("the probe after a failure asks again").hasSize(2);
        pings.get(1).complete("PONG");
        assertThat(probe()).isTrue();
    }

    @Test
    void aPingRefusedAtOnceMakesRedisSilentAtOnce() {
        assertThat(liveness.answering(() -> CompletableFuture.failedFuture(new IllegalStateException("refused")))).isFalse();
    }

    @Test
    void aPingThatThrowsCountsAsFailedAndTheNextProbeAsksAgain() {
        assertThat(liveness.answering(() -> {
            throw new IllegalStateException("connection closed");
        })).isFalse();
        now += SECOND;
        assertThat(probe()).as("the last PING failed").isFalse();
        assertThat(pings).as("a PING was sent: the one that threw is not waited for").hasSize(1);
        pings.get(0).complete("PONG");
        assertThat(probe()).isTrue();
    }
}
