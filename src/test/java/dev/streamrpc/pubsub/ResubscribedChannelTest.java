package dev.streamrpc.pubsub;

import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.redis.RedisBroker;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub on the Redis broker, against a real redis-server that the test stops and kills: a
 * channel left while the connection to Redis breaks is subscribed again by Lettuce when it
 * reconnects, though nobody here holds it; the hub lets go of it once a publication shows it.
 */
class ResubscribedChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The Redis channel of StreamRPC channel {@code orphan} (ChannelKeys). */
    private static final String REDIS_CHANNEL = "streamrpc:{orphan}";

    private RedisServer redis;
    private SocketsManager manager;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
        PendingBytes pending = new PendingBytes(1L << 30);
        manager = InProcessHub.start(new RedisBroker(redis.uri(), Duration.ofMillis(500), pending, 100, Duration.ofMinutes(5)),
                pending, event -> { });
    }

    @AfterEach
    void stop() throws Exception {
        manager.stop();
        redis.close();
    }

    @Test
    void aChannelLeftAsTheConnectionBrokeAndSubscribedAgainByLettuceIsLetGoOfAtItsNextPublication() throws Exception {
        ConnectionChannels member = manager.register(new RecordingSubscriber("member"));
        member.subscribe("orphan", "*").toCompletableFuture().join();
        redis.pause();
        member.unsubscribe("orphan", "*");   // its UNSUBSCRIBE reaches a Redis that cannot answer
        redis.kill();
        redis.start();
        try (RedisClient client = RedisClient.create(redis.uri()); var plain = client.connect()) {
            await().atMost(WAIT).until(() -> plain.sync().pubsubNumsub(REDIS_CHANNEL).get(REDIS_CHANNEL) == 1L);
            RedisBroker publisher = new RedisBroker(redis.uri(), Duration.ofSeconds(5), new PendingBytes(1 << 20), 100,
                    Duration.ofMinutes(5));
            publisher.start((channel, publication) -> { });
            try (publisher) {
                publisher.publish("orphan", "e", EncodedMessage.of("1")).toCompletableFuture().join();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(plain.sync().pubsubNumsub(REDIS_CHANNEL))
                    .as("subscribers Redis counts on the channel nobody holds").containsEntry(REDIS_CHANNEL, 0L));
        }
    }
}
