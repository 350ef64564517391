package dev.streamrpc.client;

import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Protocol version 2 (PROTOCOL.md section 7): the client resumes each channel after the last
 * offset its handlers received, so they see every message once and in order, and is told when
 * that cannot be done. Each test says what the server must do; they are disabled until it does.
 */
class ClientRecoveryIT {

    @Test
    void everyMessageCarriesItsOffsetInTheChannelsStream() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of()); StreamClient client = StreamClient.connect(server.uri())) {
            Inbox inbox = new Inbox();
            client.subscribe("numbered", inbox).join();
            for (int n = 1; n <= 3; n++) {
                client.publish("numbered", "n" + n, n).join();
            }
            inbox.awaitLog("n1", "n2", "n3");
            assertThat(inbox.messages).extracting(message -> message.offset().orElse(-1)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aConnectionCutWhilePublishingGoesOnResumesWhereItLeftOffAcrossTwoPatternsOnceAndInOrder() throws Exception {
        Inbox inbox = new Inbox();
        // 100 publications go out while the connection is cut, as many as the default history
        // holds: with it, a resubscribe applied after the first publications that follow the
        // restore would find one of them trimmed. This test is about merging, not trimming.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_HISTORY_SIZE", "1000"));
             CuttableProxy network = new CuttableProxy(server.uri());
             StreamClient client = StreamClient.builder(network.uri()).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).connect();
             StreamClient publisher = StreamClient.connect(server.uri())) {
            // Two patterns, one handler: what each pattern recovers is merged with the live messages in offset order.
            client.subscribe("torrent", "*.even", inbox).join().onLost(inbox.lost());
            client.subscribe("torrent", "*.odd", inbox).join().onLost(inbox.lost());
            publishNumbered(publisher, 0, 10);
            await().until(() -> inbox.messages.size() == 10);

            network.cut();
            await().until(() -> client.state() == State.RECONNECTING);
            publishNumbered(publisher, 10, 60);
            network.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == State.OPEN);
            publishNumbered(publisher, 60, 70);

            await().atMost(Duration.ofSeconds(20)).until(() -> inbox.messages.stream().anyMatch(m -> m.data().asJsonObject().getInt("n") == 69));
            assertThat(inbox.messages).extracting(message -> message.data().asJsonObject().getInt("n"))
                    .containsExactlyElementsOf(IntStream.range(0, 70).boxed().toList());
            assertThat(inbox.log).noneMatch(entry -> entry.startsWith("lost"));
            assertThat(inbox.messages).extracting(message -> message.offset().orElse(-1)).isSorted().doesNotHaveDuplicates();
        }
    }

    /** Publishes numbers {@code from} up to {@code to}, as events {@code n.even} or {@code n.odd}, each after a {@code n.other} no pattern matches. */
    private static void publishNumbered(StreamClient publisher, int from, int to) {
        for (int n = from; n < to; n++) {
            publisher.publish("torrent", "n.other", Map.of("n", -1)).join();
            publisher.publish("torrent", n % 2 == 0 ? "n.even" : "n.odd", Map.of("n", n)).join();
        }
    }

    @Test
    void aServerRestartedInPlaceHandsOverWhatWasPublishedMeanwhileOnceAndInOrder() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("recovery-pw")) {
            Map<String, String> environment = Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri());
            ServerProcess first = new ServerProcess(environment);
            int port = first.uri().getPort();
            Inbox inbox = new Inbox();
            try (ServerProcess other = new ServerProcess(environment);
                 StreamClient client = StreamClient.builder(first.uri()).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).connect();
                 StreamClient publisher = StreamClient.connect(other.uri())) {
                client.subscribe("news", inbox).join().onLost(inbox.lost());
                publisher.publish("news", "before", 0).join();
                inbox.awaitLog("before");

                first.kill();
                await().until(() -> client.state() == State.RECONNECTING);
                for (int n = 1; n <= 5; n++) {
                    publisher.publish("news", "while-away-" + n, n).join();
                }
                try (ServerProcess second = new ServerProcess(environment, port)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> client.state() == State.OPEN);
                    publisher.publish("news", "after", 6).join();
                    inbox.awaitLog("before", "while-away-1", "while-away-2", "while-away-3", "while-away-4", "while-away-5", "after");
                }
            } finally {
                first.close();
            }
        }
    }

    @Test
    void aRedisRestartThatLosesTheHistoryIsAnnouncedAndDeliveryGoesOnInTheNewEpoch() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("epoch-pw");
             ServerProcess server = new ServerProcess(Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri()));
             StreamClient client = StreamClient.connect(server.uri());
             StreamClient publisher = StreamClient.connect(server.uri())) {
            Inbox inbox = new Inbox();
            client.subscribe("prices", inbox).join().onLost(inbox.lost());
            publisher.publish("prices", "one", 1).join();
            publisher.publish("prices", "two", 2).join();
            inbox.awaitLog("one", "two");

            redis.kill();
            redis.start();      // no persistence: the history is gone
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> publisher.publish("prices", "after", 3).join() != null);

            inbox.awaitLog("one", "two", "lost: epoch", "after");
            assertThat(client.state()).isEqualTo(State.OPEN);
        }
    }
}
