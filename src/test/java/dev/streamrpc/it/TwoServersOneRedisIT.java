package dev.streamrpc.it;

import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two embedded servers share one real redis-server: what is published on one reaches the
 * matching subscribers on the other, in order, and both survive a Redis restart.
 */
class TwoServersOneRedisIT {

    private static RedisServer redis;
    private static ServerProcess serverA;
    private static ServerProcess serverB;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startWithPassword("shared-pw");
        Map<String, String> environment = Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri());
        serverA = new ServerProcess(environment);
        serverB = new ServerProcess(environment);
    }

    @AfterAll
    static void stop() throws Exception {
        serverA.close();
        serverB.close();
        redis.close();
    }

    @Test
    void aMessagePublishedOnOneServerReachesMatchingSubscribersOnTheOther() {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            onA.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}");
            onB.call("publish", "{\"channel\":\"prices\",\"event\":\"quote.btc\",\"data\":0}");
            onB.call("publish", "{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
            onB.call("publish", "{\"channel\":\"prices\",\"event\":\"trade.marker\",\"data\":2}");
            // Nothing else arrives between them: not the quote, not a second copy of the trade.
            assertThat(onA.nextText()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
            assertThat(onA.nextText()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.marker\",\"data\":2}");
        }
    }

    @Test
    void oneClientsPublicationsKeepTheirOrderFromNodeToNode() {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            onA.call("subscribe", "{\"channel\":\"ordered\"}");
            for (int i = 0; i < 1000; i++) {
                onB.request("publish", "{\"channel\":\"ordered\",\"data\":" + i + "}");
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(onA.next().getInt("data")).isEqualTo(i);
            }
        }
    }

    @Test
    void serverInfoDescribesTheServerThatAnswers() {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            onA.call("subscribe", "{\"channel\":\"local-only\"}");
            JsonObject infoA = onA.call("server_info", "{}").getJsonObject("response");
            JsonObject infoB = onB.call("server_info", "{}").getJsonObject("response");
            assertThat(infoA.getJsonObject("channels").containsKey("local-only")).isTrue();
            assertThat(infoB.getJsonObject("channels").containsKey("local-only")).isFalse();
            assertThat(infoA.getInt("connections")).isEqualTo(1);
            assertThat(infoB.getInt("connections")).isEqualTo(1);
        }
    }

    @Test
    void clientsStayConnectedThroughARedisRestartAndDeliveryResumesWithoutResubscribing() throws Exception {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            onA.call("subscribe", "{\"channel\":\"resilient\"}");
            redis.kill();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    onB.call("publish", "{\"channel\":\"resilient\",\"data\":\"lost\"}").getJsonObject("error").toString())
                    .isEqualTo("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"channel\":\"Cannot publish to channel\"}}"));

            // Server B has noticed; server A's connection to Redis may end a moment later.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> down = Http.get(Http.beside(serverA.uri(), "health"));
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(WsClient.parse(down.body()).getString("broker")).isEqualTo("reconnecting");
            });

            redis.start();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                onB.call("publish", "{\"channel\":\"resilient\",\"data\":\"back\"}");
                assertThat(onA.nextTextWithin(Duration.ofMillis(200))).isEqualTo("{\"channel\":\"resilient\",\"event\":\"\",\"data\":\"back\"}");
            });
            System.out.printf("delivery resumed %d ms after redis-server restarted%n", (System.nanoTime() - restarted) / 1_000_000);
            assertThat(Http.get(Http.beside(serverA.uri(), "health")).statusCode()).isEqualTo(200);
            assertThat(onA.isClosed()).isFalse();
            assertThat(onB.isClosed()).isFalse();
        }
        assertThat(serverA.output()).containsOnlyOnce("Redis connection lost").contains("Redis connection restored");
    }
}
