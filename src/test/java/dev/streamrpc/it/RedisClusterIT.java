package dev.streamrpc.it;

import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.RedisCluster;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two StreamRPC servers on a real Redis Cluster (three masters, three replicas): channels on
 * every shard reach the other server, and a master killed or a slot moved while publishing
 * leaves every client connected and every positioned subscriber with every offset or a gap.
 */
class RedisClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterIT.class);

    private static RedisCluster cluster;
    private static ServerProcess serverA;
    private static ServerProcess serverB;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisCluster.startWithPassword("cluster-it-pw");
        Map<String, String> environment = Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_CLUSTER", "true",
                "STREAM_REDIS_URI", cluster.uri(), "STREAM_BROKER_TIMEOUT", "PT2S",
                "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000", "STREAM_HISTORY_SIZE", "2000");
        serverA = new ServerProcess(environment);
        serverB = new ServerProcess(environment);
    }

    @AfterAll
    static void stop() throws Exception {
        serverA.close();
        serverB.close();
        cluster.close();
    }

    @AfterEach
    void heal() throws Exception {
        cluster.restartKilledNodes();
    }

    private static String key(String channel) {
        return "streamrpc:{" + channel + "}";
    }

    @Test
    void aHundredChannelsOnEveryShardReachTheOtherServer() {
        try (WsClient onA = WsClient.connect(serverA.uri()); WsClient onB = WsClient.connect(serverB.uri())) {
            Set<String> shards = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                onA.call("subscribe", "{\"channel\":\"spread" + i + "\",\"position\":true}");
                shards.add(cluster.masterFor(key("spread" + i)).id());
            }
            assertThat(shards).as("the channels are spread over every master").hasSize(3);
            for (int i = 0; i < 100; i++) {
                onB.call("publish", "{\"channel\":\"spread" + i + "\",\"data\":" + i + "}");
            }
            Set<String> reached = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                JsonObject message;
                try {
                    message = onA.next();
                } catch (AssertionError e) {
                    Set<String> missing = new HashSet<>();
                    for (int j = 0; j < 100; j++) {
                        if (!reached.contains("spread" + j)) missing.add("spread" + j + "@" + cluster.masterFor(key("spread" + j)));
                    }
                    LOG.error("missing {}; A: {}", missing, serverA.output().lines().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Redis")).toList());
                    throw e;
                }
                assertThat(message.getInt("offset")).isEqualTo(1);
                reached.add(message.getString("channel"));
            }
            assertThat(reached).hasSize(100);
        }
    }

    @Test
    void aMasterKilledWhilePublishingLeavesEveryOffsetOrAGapAndEveryoneConnected() throws Exception {
        survives("failover", () -> {
            RedisCluster.Node promoted = cluster.killMaster(cluster.slot(key("failover")));
            LOG.info("failover: {} promoted", promoted);
        });
        assertThat(Metrics.value(serverA.uri(), "streamrpc_broker_resubscriptions_total")).isPositive();
    }

    @Test
    void aSlotMovedWhilePublishingLeavesEveryOffsetOrAGapAndEveryoneConnected() throws Exception {
        survives("moving", () -> {
            int slot = cluster.slot(key("moving"));
            RedisCluster.Node target = cluster.masters().stream().filter(node -> !node.equals(cluster.masterFor(slot))).findFirst().orElseThrow();
            cluster.moveSlot(slot, target);
        });
    }

    @Test
    void healthReportsEachShard() throws Exception {
        JsonObject health = WsClient.parse(Http.get(Http.beside(serverA.uri(), "health")).body());
        assertThat(health.getString("status")).isEqualTo("UP");
        assertThat(health.getJsonArray("shards")).hasSize(3);
        int slots = health.getJsonArray("shards").stream().mapToInt(shard -> shard.asJsonObject().getInt("slots")).sum();
        assertThat(slots).isEqualTo(16_384);
    }

    /**
     * Publishes on server B while {@code disruption} runs, with a positioned subscriber on
     * server A; then checks that it saw each offset once, in order, except where a gap message
     * covered the missing ones, and that both clients stayed connected. Logs the interruption
     * as a subscriber saw it (last message before, first after).
     */
    private void survives(String channel, Disruption disruption) throws Exception {
        try (WsClient subscriber = WsClient.connect(serverA.uri()); WsClient publisher = WsClient.connect(serverB.uri())) {
            subscriber.call("subscribe", "{\"channel\":\"" + channel + "\",\"position\":true}");
            List<JsonObject> received = new CopyOnWriteArrayList<>();
            List<Long> arrivals = new CopyOnWriteArrayList<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread reading = new Thread(() -> {
                while (!done.get() || !received.isEmpty() && !"marker".equals(received.get(received.size() - 1).getString("event", ""))) {
                    String text = subscriber.nextTextWithin(java.time.Duration.ofMillis(200));
                    if (text != null) {
                        received.add(WsClient.parse(text));
                        arrivals.add(System.nanoTime());
                    }
                }
            });
            reading.start();
            AtomicLong accepted = new AtomicLong();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisherThread = new Thread(() -> {
                for (int i = 0; publishing.get(); i++) {
                    if (publisher.call("publish", "{\"channel\":\"" + channel + "\",\"data\":" + i + "}").containsKey("response")) {
                        accepted.incrementAndGet();
                    }
                }
            });
            publisherThread.start();
            await().until(() -> received.size() > 200);
            disruption.run();
            long after = accepted.get();
            await().until(() -> accepted.get() > after + 200);   // publishing works again
            publishing.set(false);
            publisherThread.join();
            done.set(true);
            await().pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":null}");
                return !reading.isAlive();
            });

            long expected = 1;
            long longestPause = 0;
            List<String> gaps = new ArrayList<>();
            for (int i = 0; i < received.size(); i++) {
                JsonObject message = received.get(i);
                if (i > 0) {
                    longestPause = Math.max(longestPause, arrivals.get(i) - arrivals.get(i - 1));
                }
                if (message.containsKey("gap")) {
                    JsonObject gap = message.getJsonObject("gap");
                    gaps.add(gap.toString());
                    assertThat(gap.getJsonNumber("from").longValue()).isEqualTo(expected);
                    expected = gap.containsKey("epoch") ? 1 : gap.getJsonNumber("to").longValue() + 1;
                    continue;
                }
                assertThat(message.getJsonNumber("offset").longValue()).as("message %d of %d", i, received.size()).isEqualTo(expected++);
            }
            LOG.info("{}: {} messages, {} publications accepted, gaps {}, longest pause seen by the subscriber {} ms",
                    channel, received.size(), accepted.get(), gaps, longestPause / 1_000_000);
            assertThat(subscriber.isClosed()).isFalse();
            assertThat(publisher.isClosed()).isFalse();
        }
    }

    @FunctionalInterface
    private interface Disruption {
        void run() throws Exception;
    }
}
