package dev.streamrpc.pubsub;

import dev.streamrpc.api.PositionedSubscription;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.redis.RedisBroker;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub on the Redis broker, against a real redis-server, with a history TTL of a second: a
 * channel quiet that long loses its stream in Redis, and its next publication starts a new
 * epoch while its subscribers stay.
 */
class NewEpochTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CHANNEL = "expiring";
    /** The meta hash (epoch, offset) of the channel's stream (ChannelKeys). */
    private static final String META = "streamrpc:{expiring}:meta";

    private RedisServer redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> plain;
    private DisturbedBroker broker;
    private SocketsManager manager;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
        client = RedisClient.create(redis.uri());
        plain = client.connect();
        PendingBytes pending = new PendingBytes(1L << 30);
        broker = new DisturbedBroker(pending, new RedisBroker(redis.uri(), Duration.ofSeconds(5), pending, 100, Duration.ofSeconds(1)));
        manager = InProcessHub.start(broker, pending, event -> { }, "stream.history.ttl=PT1S");
    }

    @AfterEach
    void stop() throws Exception {
        manager.stop();
        plain.close();
        client.shutdown();
        redis.close();
    }

    private void publish(int data) {
        manager.publish(CHANNEL, "e", data).toCompletableFuture().join();
    }

    private PositionedSubscription positioned(RecordingSubscriber subscriber, StreamPosition since) {
        return manager.register(subscriber).subscribeWithPosition(CHANNEL, "*", since).toCompletableFuture().join();
    }

    @Test
    void aSubscriberThatRecoveredBeyondThisServersFeedGetsEveryOffsetOfTheNextEpoch() {
        RecordingSubscriber early = new RecordingSubscriber("early");
        String epoch = positioned(early, null).position().epoch();
        publish(1);
        await().atMost(WAIT).until(() -> early.received.size() == 1);
        broker.holding = true;                       // 2 and 3 are stored but not yet here
        publish(2);
        publish(3);
        await().atMost(WAIT).until(() -> broker.heldBack.size() == 2);
        RecordingSubscriber late = new RecordingSubscriber("late");
        assertThat(positioned(late, new StreamPosition(epoch, 3)).position()).isEqualTo(new StreamPosition(epoch, 3));
        broker.release(CHANNEL);
        await().atMost(WAIT).until(() -> early.received.size() == 3);
        await().atMost(WAIT).until(() -> plain.sync().exists(META) == 0);   // quiet for the TTL: Redis let the stream go
        for (int data = 4; data <= 7; data++) {
            publish(data);
        }
        String next = plain.sync().hget(META, "epoch");
        assertThat(next).isNotEqualTo(epoch);
        await().atMost(WAIT).untilAsserted(() -> assertThat(early.texts()).last().asString().contains("\"data\":7"));
        assertThat(late.texts()).containsExactly(
                "{\"channel\":\"expiring\",\"gap\":{\"from\":4,\"epoch\":\"" + next + "\"}}",
                "{\"channel\":\"expiring\",\"event\":\"e\",\"data\":4,\"offset\":1}",
                "{\"channel\":\"expiring\",\"event\":\"e\",\"data\":5,\"offset\":2}",
                "{\"channel\":\"expiring\",\"event\":\"e\",\"data\":6,\"offset\":3}",
                "{\"channel\":\"expiring\",\"event\":\"e\",\"data\":7,\"offset\":4}");
    }
}
