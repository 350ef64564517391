package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerContract;
import dev.streamrpc.broker.CannotPublish;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The broker contract against a real redis-server (with a password), and what only Redis can do wrong. */
class RedisBrokerContractTest extends BrokerContract {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    protected Broker newBroker(PendingBytes pending) {
        return new RedisBroker(redis.uri(), TIMEOUT, pending);
    }

    @Test
    void aSecondBrokerOnTheSameRedisReceivesWhatThisOnePublishes() {
        done(broker.subscribe("shared"));
        try (RedisBroker other = new RedisBroker(redis.uri(), TIMEOUT, new PendingBytes(1 << 20))) {
            other.start((channel, event, message) -> { });
            done(other.publish("shared", "from.other", EncodedMessage.of("{\"x\":1}")));
        }
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("shared", "from.other", "{\"x\":1}"));
    }

    @Test
    void aRedisThatDoesNotAnswerFailsPublishAndSubscribeAfterTheTimeoutInsteadOfAcknowledging() throws Exception {
        done(broker.subscribe("frozen"));
        redis.pause();
        try {
            CompletableFuture<Void> publish = broker.publish("frozen", "e", EncodedMessage.of("1")).toCompletableFuture();
            CompletableFuture<Void> subscribe = broker.subscribe("later").toCompletableFuture();
            assertThatThrownBy(() -> done(publish)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotPublish.class);
            assertThatThrownBy(() -> done(subscribe)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotSubscribe.class);
        } finally {
            redis.resume();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).as("charges released on failure").isZero());
    }

    @Test
    void inboundPublicationsBeyondThePendingBudgetAreDroppedAndCountedNotQueued() throws Exception {
        broker.close();
        pending = new PendingBytes(10_000);
        CountDownLatch fanOutStuck = new CountDownLatch(1);
        broker = newBroker(pending);
        broker.start((channel, event, message) -> {
            try {
                fanOutStuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record(channel, event, message);
        });
        done(broker.subscribe("flood"));
        String padding = "x".repeat(1000);
        try (RedisBroker publisher = new RedisBroker(redis.uri(), TIMEOUT, new PendingBytes(1 << 30))) {
            publisher.start((channel, event, message) -> { });
            for (int i = 0; i < 100; i++) {
                done(publisher.publish("flood", "e", EncodedMessage.of(i + padding)));
            }
        }
        await().atMost(WAIT).until(() -> broker.dropped() > 0);
        assertThat(pending.used()).isLessThanOrEqualTo(10_000);
        fanOutStuck.countDown();
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).isZero());
        assertThat(seen.size() + broker.dropped()).isEqualTo(100);
    }

    @Test
    void startingAgainstAnUnreachableRedisFailsWithAClearMessageAndLeavesNoThreads() throws Exception {
        long lettuceThreadsBefore = lettuceThreads();
        RedisBroker unreachable = new RedisBroker("redis://127.0.0.1:1", TIMEOUT, new PendingBytes(1 << 20));
        assertThatThrownBy(() -> unreachable.start((channel, event, message) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot connect to Redis at 127.0.0.1:1");
        await().atMost(WAIT).until(() -> lettuceThreads() <= lettuceThreadsBefore);
    }

    private static long lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("lettuce-") && thread.isAlive()).count();
    }
}
