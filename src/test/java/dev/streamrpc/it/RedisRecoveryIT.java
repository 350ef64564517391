package dev.streamrpc.it;

import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Version 2 through Redis, with two servers: they agree on every channel's offsets and epoch,
 * a server whose Redis link drops fills in what it missed from the shared history, a lost
 * history is announced as a new epoch, and a Redis that is down refuses subscribes with
 * {@code since} without closing anyone.
 */
class RedisRecoveryIT {

    private static RedisServer redis;
    private static ServerProcess serverA;
    private static ServerProcess serverB;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startWithPassword("recovery-pw");
        Map<String, String> environment = Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri(),
                "STREAM_HISTORY_SIZE", "2000", "STREAM_HISTORY_MAX_RECOVERY", "2000", "STREAM_BROKER_TIMEOUT", "PT2S",
                "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000");
        serverA = new ServerProcess(environment);
        serverB = new ServerProcess(environment);
    }

    @AfterAll
    static void stop() throws Exception {
        serverA.close();
        serverB.close();
        redis.close();
    }

    private static JsonObject positioned(WsClient client, String channel) {
        return client.call("subscribe", "{\"channel\":\"" + channel + "\",\"position\":true}").getJsonObject("response");
    }

    /**
     * What a subscriber receives up to the first marker. A skip shows only when a later message
     * arrives, and a server whose Redis link is coming back misses what is published meanwhile,
     * so markers are published until one arrives; everything before it must be there.
     */
    private static List<JsonObject> untilAMarkerArrives(WsClient subscriber, WsClient publisher, String channel) throws Exception {
        List<JsonObject> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reading = new Thread(() -> {
            while (received.isEmpty() || !"marker".equals(received.get(received.size() - 1).getString("event", ""))) {
                received.add(subscriber.next());
            }
        });
        reading.start();
        await().pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
            publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":null}");
            return !reading.isAlive();
        });
        return received;
    }

    private static void killRedisPubSubClients() {
        try (RedisClient client = RedisClient.create(redis.uri()); StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
        }
    }

    @Test
    void twoServersGiveTheSameOffsetsAndEpochForAChannel() {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            JsonObject atA = positioned(onA, "agreed");
            JsonObject atB = positioned(onB, "agreed");
            assertThat(atA.getJsonObject("position")).isEqualTo(atB.getJsonObject("position"));
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? onA : onB).call("publish", "{\"channel\":\"agreed\",\"data\":" + i + "}");
            }
            for (int i = 1; i <= 10; i++) {
                JsonObject fromA = onA.next();
                JsonObject fromB = onB.next();
                assertThat(fromA).isEqualTo(fromB);
                assertThat(fromA.getInt("offset")).isEqualTo(i);
            }
        }
    }

    /**
     * The case that lost 50 acknowledged publications in version 1: the subscriber's server
     * loses its Redis link while publishing goes on. A skip shows only when a later message
     * arrives, so markers are published until one arrives; everything before it must be there.
     */
    @Test
    void whatIsPublishedWhileAServersRedisLinkIsDownIsFilledInFromTheHistory() throws Exception {
        try (WsClient subscriber = WsClient.connect(serverA.uri()); WsClient publisher = WsClient.connect(serverB.uri())) {
            positioned(subscriber, "blip");
            Thread publishing = new Thread(() -> {
                for (int i = 0; i < 3000; i++) {   // one at a time, so that publishing spans the outages
                    publisher.call("publish", "{\"channel\":\"blip\",\"data\":" + i + "}");
                }
            });
            publishing.start();
            for (int outage = 1; outage <= 3; outage++) {   // spread over the publishing: 300 deliveries apart
                double before = Metrics.value(serverA.uri(), "streamrpc_messages_delivered_total");
                await().until(() -> Metrics.value(serverA.uri(), "streamrpc_messages_delivered_total") > before + 300);
                killRedisPubSubClients();   // both servers' SUBSCRIBE connections drop, and Lettuce reconnects them
            }
            publishing.join();
            List<JsonObject> received = untilAMarkerArrives(subscriber, publisher, "blip");
            for (int i = 0; i < received.size(); i++) {
                assertThat(received.get(i).containsKey("gap")).as("nothing is lost: Redis kept all of it").isFalse();
                assertThat(received.get(i).getInt("offset")).isEqualTo(i + 1);
            }
            assertThat(received.size()).isGreaterThan(3000);
        }
    }

    /** Section 7's "messages delivered afterwards all have offsets after position.offset", with publications arriving from another server through Redis. */
    @Test
    void afterASubscribeReplyEveryMessageOfTheChannelHasAnOffsetAfterItsPositionThoughAnotherPatternWasHeld() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            List<String> late = PositionsIT.lateAfterSubscribeReplies(() -> opened(clients, serverA), () -> opened(clients, serverB), "both");
            assertThat(late).isEmpty();
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static WsClient opened(List<WsClient> clients, ServerProcess server) {
        WsClient client = WsClient.connect(server.uri());
        clients.add(client);
        return client;
    }

    /**
     * A publication made while a server's SUBSCRIBE connection is coming back reaches nobody
     * through Redis. It used to wait for the next publication on the channel (whose skipped
     * offset revealed it); on a quiet channel that may never come. Now the server reads the
     * channel's latest publication once Lettuce has subscribed again, so it arrives by itself.
     */
    @Test
    void aPublicationMadeWhileTheSubscriptionIsRestoredArrivesWithoutWaitingForAnother() {
        try (WsClient subscriber = WsClient.connect(serverA.uri())) {
            positioned(subscriber, "quiet");
            subscriber.call("publish", "{\"channel\":\"quiet\",\"event\":\"before\",\"data\":1}");
            assertThat(subscriber.next().getString("event")).isEqualTo("before");
            killRedisPubSubClients();   // Lettuce waits before reconnecting: the next publish lands meanwhile
            subscriber.call("publish", "{\"channel\":\"quiet\",\"event\":\"meanwhile\",\"data\":2}");
            JsonObject arrived = subscriber.next();
            assertThat(arrived.getString("event")).isEqualTo("meanwhile");
            assertThat(arrived.getInt("offset")).isEqualTo(2);
        }
    }

    @Test
    void redisRestartedWithoutItsDataIsAnnouncedAsANewEpochAndNothingIsSkippedSilently() throws Exception {
        try (WsClient subscriber = WsClient.connect(serverA.uri()); WsClient publisher = WsClient.connect(serverB.uri())) {
            String epoch = positioned(subscriber, "restart").getJsonObject("position").getString("epoch");
            for (int i = 0; i < 5; i++) {
                publisher.call("publish", "{\"channel\":\"restart\",\"data\":" + i + "}");
            }
            // Received before the kill: a publication Redis had not yet written to server A's
            // subscription when it died is lost with its data, and told as part of the gap instead.
            for (int i = 0; i < 5; i++) {
                assertThat(subscriber.next().getInt("offset")).isEqualTo(i + 1);
            }
            redis.kill();
            redis.start();
            List<JsonObject> seen = untilAMarkerArrives(subscriber, publisher, "restart");
            JsonObject gap = seen.get(0).getJsonObject("gap");
            assertThat(gap.getInt("from")).isEqualTo(6);
            String newEpoch = gap.getString("epoch");
            assertThat(newEpoch).isNotEqualTo(epoch);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).getInt("offset")).as("the new epoch counts from 1").isEqualTo(i);
            }
            JsonObject resumed = WsClient.connect(serverB.uri()).call("subscribe",
                    "{\"channel\":\"restart\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":5}}").getJsonObject("response");
            assertThat(resumed.getString("reason")).isEqualTo("epoch");
        }
    }

    @Test
    void aSubscribeWithSinceWhileRedisIsDownIsRefusedAndTheConnectionStaysOpen() throws Exception {
        try (WsClient client = WsClient.connect(serverA.uri())) {
            String epoch = positioned(client, "down").getJsonObject("position").getString("epoch");
            client.call("unsubscribe", "{\"channel\":\"down\"}");
            redis.pause();
            try {
                JsonObject refused = client.call("subscribe", "{\"channel\":\"down\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":0}}");
                assertThat(refused.getJsonObject("error").getJsonObject("errors").getString("channel")).isEqualTo("Cannot subscribe to channel");
                assertThat(client.call("echo", "{}").containsKey("response")).isTrue();
            } finally {
                redis.resume();
            }
        }
    }

    @Test
    void aClientWhoseSocketDiesWhile1000ArePublishedResumesWithEveryOffsetOnce() {
        try (WsClient publisher = WsClient.connect(serverB.uri()); WsClient again = WsClient.connect(serverA.uri())) {
            WsClient subscriber = WsClient.connect(serverA.uri());
            String epoch = positioned(subscriber, "gone").getJsonObject("position").getString("epoch");
            publisher.call("publish", "{\"channel\":\"gone\",\"data\":0}");
            long last = subscriber.next().getJsonNumber("offset").longValue();
            subscriber.drop();
            for (int i = 1; i < 1000; i++) {
                publisher.request("publish", "{\"channel\":\"gone\",\"data\":" + i + "}");
            }
            publisher.call("publish", "{\"channel\":\"gone\",\"data\":1000}");
            JsonObject resumed = again.call("subscribe", "{\"channel\":\"gone\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":" + last + "}}")
                    .getJsonObject("response");
            assertThat(resumed.getBoolean("recovered")).isTrue();
            List<Integer> offsets = new ArrayList<>();
            resumed.getJsonArray("publications").forEach(p -> offsets.add(p.asJsonObject().getInt("offset")));
            while (offsets.size() < 1000) {
                offsets.add(again.next().getInt("offset"));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(offsets.get(i)).isEqualTo((int) last + 1 + i);
            }
        }
    }
}
