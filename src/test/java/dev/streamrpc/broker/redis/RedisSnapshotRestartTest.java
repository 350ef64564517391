package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis that crashes and starts again from an older snapshot (RDB, or an AOF without its
 * last second) holds each stream as it was then: its offset counter went back. Offsets it
 * hands out again must not look like the ones subscribers already have, or the hub takes the
 * new publications for ones it delivered and drops them, silently.
 */
class RedisSnapshotRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisServer redis;
    private RedisBroker broker;
    private final List<Publication> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.startWithPassword("s3cret");
        broker = new RedisBroker(redis.uri(), Duration.ofSeconds(2), new PendingBytes(1 << 30), 100, Duration.ofMinutes(5));
        broker.start((channel, publication) -> received.add(publication));
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
        redis.close();
    }

    @Test
    void aRedisRestartedFromAnOlderSnapshotStartsANewEpochInsteadOfHandingOutOffsetsAgain() throws Exception {
        String epoch = done(broker.subscribe("snapshot")).epoch();
        publish("snapshot", "1");
        publish("snapshot", "2");
        save();
        publish("snapshot", "3");
        publish("snapshot", "4");
        publish("snapshot", "5");
        await().atMost(WAIT).until(() -> received.size() == 5);
        assertThat(received).allMatch(publication -> publication.epoch().equals(epoch));

        redis.crashAndRestartFromSnapshot();
        await().atMost(WAIT).ignoreExceptions()
                .until(() -> done(broker.history("snapshot", 0, 0)) != null);
        StreamState after = done(broker.history("snapshot", 0, 0)).state();
        assertThat(after.epoch()).as("the stream after losing offsets 3 to 5").isNotEqualTo(epoch);

        publish("snapshot", "6");
        await().atMost(WAIT).until(() -> received.stream().anyMatch(p -> p.message().text().equals("6")));
        Publication six = received.stream().filter(p -> p.message().text().equals("6")).findFirst().orElseThrow();
        assertThat(six.epoch()).isEqualTo(after.epoch());
        assertThat(six.offset()).isEqualTo(after.offset() + 1);
    }

    @Test
    void aRedisRunningOnKeepsItsStreamsEpochWhileSnapshotsAreTaken() {
        String epoch = done(broker.subscribe("steady")).epoch();
        publish("steady", "1");
        save();
        publish("steady", "2");
        assertThat(done(broker.history("steady", 0, 0)).state()).isEqualTo(new StreamState(epoch, 2));
    }

    private void publish(String channel, String text) {
        done(broker.publish(channel, "e", EncodedMessage.of(text)));
    }

    private void save() {
        RedisClient client = RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            assertThat(connection.sync().save()).isEqualTo("OK");
        } finally {
            client.shutdown();
        }
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }
}
