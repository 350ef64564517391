package dev.streamrpc.it;

import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client sees when Redis misbehaves: a Redis that stops answering (SIGSTOP) makes
 * subscribe and publish fail with the protocol's errors instead of succeeding silently, too
 * many unacknowledged publications are refused at once instead of queued, and a server whose
 * Redis is unreachable does not start.
 */
class RedisFaultsIT {

    private static RedisServer redis;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startWithPassword("faults-pw");
        server = new ServerProcess(Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri(),
                "STREAM_BROKER_TIMEOUT", "PT1S", "STREAM_MAX_PENDING_BYTES", "20000"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        redis.close();
    }

    @AfterEach
    void thaw() throws Exception {
        redis.resume();
    }

    private static final String REFUSAL_LINE = "The broker did not confirm the subscription to channel";
    private static final String RESUMED_LINE = "The broker confirms channel subscriptions again";

    private static int count(String text, String line) {
        return text.split(Pattern.quote(line), -1).length - 1;
    }

    private static String error(JsonObject reply) {
        return reply.getJsonObject("error").getJsonObject("errors").getString("channel");
    }

    @Test
    void aSubscribeThatRedisNeverConfirmsIsRefusedNotSilentlyAccepted() throws Exception {
        try (WsClient client = WsClient.connect(server.uri())) {
            redis.pause();
            assertThat(error(client.call("subscribe", "{\"channel\":\"frozen\"}"))).isEqualTo("Cannot subscribe to channel");
            assertThat(client.call("echo", "{}").containsKey("response"))
                    .as("the connection stays open").isTrue();
            redis.resume();
            assertThat(client.call("subscribe", "{\"channel\":\"frozen\"}").getJsonObject("response").toString())
                    .isEqualTo("{\"subscribed\":{\"frozen\":[\"*\"]}}");
        }
    }

    /**
     * A {@code since} whose history read (or, ahead of this server's feed, whose check) Redis
     * does not answer is refused like a subscribe Redis never confirms, and subscribes nothing:
     * it used to answer {@code Internal server error} and leave the pattern subscribed.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 3})   // the last publication is offset 2: behind it, then ahead of it
    void aSinceWhoseHistoryRedisDoesNotReadIsRefusedAndSubscribesNothing(long offset) throws Exception {
        String channel = "unread-" + offset;
        try (WsClient publisher = WsClient.connect(server.uri()); WsClient client = WsClient.connect(server.uri())) {
            String epoch = publisher.call("subscribe", "{\"channel\":\"" + channel + "\",\"position\":true}")
                    .getJsonObject("response").getJsonObject("position").getString("epoch");
            client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"position\":true}");
            for (int i = 1; i <= 2; i++) {
                publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"before\",\"data\":" + i + "}");
                assertThat(publisher.next().getInt("offset")).as("this server delivered it").isEqualTo(i);
            }
            redis.pause();
            JsonObject reply = client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"data\",\"since\":{\"epoch\":\""
                    + epoch + "\",\"offset\":" + offset + "}}");
            assertThat(reply.getJsonObject("error")).as(reply.toString())
                    .isEqualTo(WsClient.parse("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"channel\":\"Cannot subscribe to channel\"}}"));
            redis.resume();
            assertThat(client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").getJsonObject(channel))
                    .isEqualTo(WsClient.parse("{\"*\":1,\"marker\":1}"));
            publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"data\",\"data\":3}");
            publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":4}");
            assertThat(client.nextText()).isEqualTo("{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":4,\"offset\":4}");
        }
    }

    /**
     * At most 128 subscription changes wait for Redis at once; the others queue in the server.
     * When Redis stops answering, the queued ones are refused with the first that times out,
     * not each group of 128 a timeout after the one before: 2,000 new channels were refused over
     * 16 timeouts (17.7 s here), now all together, about one timeout after they were asked.
     */
    @Test
    void subscribesQueuedBehindOnesRedisDoesNotAnswerAreRefusedWithinAboutOneTimeout() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < 8; c++) {
                clients.add(WsClient.connect(server.uri()));
            }
            int warnedBefore = count(server.output(), REFUSAL_LINE);
            int resumedBefore = count(server.output(), RESUMED_LINE);
            redis.pause();
            long start = System.nanoTime();
            Map<WsClient, List<String>> asked = new LinkedHashMap<>();
            for (WsClient client : clients) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 250; i++) {
                    ids.add(client.request("subscribe", "{\"channel\":\"queued-" + clients.indexOf(client) + "-" + i + "\"}"));
                }
                asked.put(client, ids);
            }
            long first = 0;
            for (Map.Entry<WsClient, List<String>> entry : asked.entrySet()) {
                for (String id : entry.getValue()) {   // replies keep the order of the requests
                    JsonObject reply = entry.getKey().next();
                    first = first == 0 ? System.nanoTime() : first;
                    assertThat(reply.getString("id")).isEqualTo(id);
                    assertThat(error(reply)).isEqualTo("Cannot subscribe to channel");
                }
            }
            long last = System.nanoTime();
            // With a broker timeout of 1 s: one group after another took 16 s from the first refusal
            // to the last and 17.7 s in all; now about 2 s in all. The bounds leave room for a slow machine.
            assertThat((last - first) / 1e9).as("seconds from the first refusal to the last").isLessThan(6.0);
            assertThat((last - start) / 1e9).as("seconds until the last refusal").isLessThan(12.0);
            redis.resume();
            // A subscribe asked just as Redis comes back may still meet a timeout of a command sent
            // while it was stopped, and be refused with it; the next ones are confirmed.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    clients.get(0).call("subscribe", "{\"channel\":\"queued-again\"}").containsKey("response"));
            // The log says it once, not 2,000 times, and how many when subscriptions are confirmed again.
            await().until(() -> count(server.output(), RESUMED_LINE) > resumedBefore);
            assertThat(count(server.output(), REFUSAL_LINE) - warnedBefore).isLessThanOrEqualTo(1);
            Matcher resumed = Pattern.compile(RESUMED_LINE + ", after refusing (\\d+)").matcher(server.output());
            long refused = 0;
            while (resumed.find()) {
                refused = Long.parseLong(resumed.group(1));
            }
            assertThat(refused).isGreaterThanOrEqualTo(2_000);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /**
     * A frozen Redis keeps its connections open, so health used to say UP (200) while every
     * publish timed out, and a load balancer kept sending clients here.
     */
    @Test
    void healthSaysDownWhileRedisDoesNotAnswerAndUpOnceItDoes() throws Exception {
        URI health = Http.beside(server.uri(), "health");
        assertThat(Http.get(health).statusCode()).isEqualTo(200);
        redis.pause();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> down = Http.get(health);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(WsClient.parse(down.body()).getString("broker")).isEqualTo("unresponsive");
        });
        redis.resume();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(WsClient.parse(Http.get(health).body()).getString("status")).isEqualTo("UP"));
    }

    @Test
    void aPublishIsAnsweredOnlyOnceRedisHasItAndRefusedWhenRedisDoesNotAnswer() throws Exception {
        try (WsClient client = WsClient.connect(server.uri())) {
            redis.pause();
            assertThat(error(client.call("publish", "{\"channel\":\"frozen\",\"data\":1}"))).isEqualTo("Cannot publish to channel");
            redis.resume();
            assertThat(client.call("publish", "{\"channel\":\"frozen\",\"data\":2}").containsKey("response")).isTrue();
        }
    }

    /**
     * Redis answers nothing, so nothing is acknowledged; what does not fit the budget of
     * unacknowledged bytes is refused at once (counted as failed calls in /metrics) while the
     * rest still wait for Redis, instead of queueing without bound.
     */
    @Test
    void publicationsBeyondTheUnacknowledgedBudgetAreRefusedAtOnce() throws Exception {
        String data = "\"" + "x".repeat(1000) + "\"";
        String refusals = "streamrpc_rpc_errors_total{method=\"publish\"}";
        try (ServerProcess patient = new ServerProcess(Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri(),
                "STREAM_BROKER_TIMEOUT", "PT60S", "STREAM_MAX_PENDING_BYTES", "20000"));
             WsClient client = WsClient.connect(patient.uri())) {
            double refusedBefore = Metrics.value(patient.uri(), refusals);
            redis.pause();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {   // about 40 KB against a budget of 20 KB
                ids.add(client.request("publish", "{\"channel\":\"budget\",\"data\":" + data + "}"));
            }
            await().until(() -> Metrics.value(patient.uri(), refusals) >= refusedBefore + 15);
            assertThat(Metrics.value(patient.uri(), "streamrpc_pending_bytes")).isLessThanOrEqualTo(20_000);
            redis.resume();
            int accepted = 0;
            for (String id : ids) {   // replies keep the order of the requests
                JsonObject reply = client.next();
                assertThat(reply.getString("id")).isEqualTo(id);
                if (reply.containsKey("response")) {
                    accepted++;
                } else {
                    assertThat(error(reply)).isEqualTo("Cannot publish to channel");
                }
            }
            assertThat(accepted).isBetween(10, 25);
        }
    }

    @Test
    void aServerWhoseRedisIsUnreachableDoesNotStartAndSaysWhy() throws Exception {
        ServerProcess.Ended failed = ServerProcess.failingToStart(
                Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", "redis://127.0.0.1:1"));
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.output()).contains("Cannot connect to Redis at 127.0.0.1:1").doesNotContain("StreamRPC ready");
    }
}
