package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerContract;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker contract against a real redis-server (with a password), plus two brokers sharing it. */
class RedisBrokerContractTest extends BrokerContract {

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
    protected Broker newBroker() {
        return new RedisBroker(redis.uri());
    }

    @Test
    void aSecondBrokerOnTheSameRedisReceivesWhatThisOnePublishes() throws Exception {
        broker.subscribe("shared");
        try (RedisBroker other = new RedisBroker(redis.uri())) {
            other.start((channel, event, message) -> { });
            other.publish("shared", "from.other", EncodedMessage.of("{\"x\":1}"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("shared", "from.other", "{\"x\":1}"));
    }
}
