package dev.streamrpc.bench;

import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.RedisCluster;
import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;

import static dev.streamrpc.bench.BenchRunner.log;
import static dev.streamrpc.bench.BenchRunner.logged;
import static org.awaitility.Awaitility.await;

/**
 * The figures issue 13 asks for: publish throughput and fanout through one redis-server
 * against a Redis Cluster of three masters and three replicas, two StreamRPC nodes on each,
 * in alternating rounds; then a master killed while a publisher sends steadily, as a
 * subscriber on the other node sees it.
 */
final class ClusterBench {

    static final String ONE = "StreamRPC, one Redis";
    static final String CLUSTER = "StreamRPC, Redis Cluster";
    /** Publishing connections on node A; they share the window. */
    static final int PUBLISHERS = 4;
    /** The failover publisher's pace: a publication every 5 ms. */
    static final long INTERVAL_MILLIS = 5;
    /** Deliveries the failover subscriber must see before the kill, and again after the promotion. */
    static final int STEADY = 200;

    /** Two nodes on one Redis deployment, and how to read that deployment's CPU seconds. */
    private record Side(Servers.Running subscribeTo, Servers.Running publishTo, DoubleSupplier redisCpuSeconds) {
    }

    private record Arrival(long at, String text) {
    }

    private ClusterBench() {
    }

    static void run(Servers servers, Load load, BenchRunner.Sizes sizes, ClusterFigures figures) throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("bench"); RedisStats single = RedisStats.connect(redis.uri());
             RedisCluster cluster = RedisCluster.startWithPassword("bench")) {
            Map<String, String> onOne = Servers.with(Servers.STREAMRPC_SETTINGS,
                    Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri()));
            Map<String, String> onCluster = Servers.with(Servers.STREAMRPC_SETTINGS,
                    Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_CLUSTER", "true", "STREAM_REDIS_URI", cluster.uri()));
            try (Servers.Running oneA = servers.streamrpc(ONE, onOne); Servers.Running oneB = servers.streamrpc(ONE, onOne);
                 Servers.Running clusterA = servers.streamrpc(CLUSTER, onCluster);
                 Servers.Running clusterB = servers.streamrpc(CLUSTER, onCluster)) {
                List<Side> sides = List.of(new Side(oneB, oneA, () -> RedisStats.cpuSeconds(single.commands())),
                        new Side(clusterB, clusterA, () -> cpuSeconds(cluster)));
                FanoutPlan plan = new FanoutPlan("spread", sizes.clusterChannels(), PUBLISHERS, true);
                for (Side side : sides) {
                    log("warm-up " + side.subscribeTo().name());
                    load.fanout(side.subscribeTo(), side.publishTo(), 0, sizes.subscribers(), Math.max(100, sizes.clusterMessages() / 5),
                            sizes.window(), 0, plan);
                }
                for (int round = 1; round <= sizes.rounds(); round++) {
                    for (Side side : sides) {
                        log("publish and fanout over " + sizes.clusterChannels() + " channels, round " + round + ", "
                                + side.subscribeTo().name());
                        figures.rounds.add(logged(round(load, side, round, sizes, plan)));
                    }
                }
                for (int repetition = 1; repetition <= sizes.failovers(); repetition++) {
                    if (repetition > 1) {
                        cluster.restartKilledNodes();   // the killed master comes back as a replica: three pairs again
                    }
                    log("failover " + repetition);
                    figures.failovers.add(logged(failover(load, cluster, clusterA, clusterB, repetition)));
                }
            }
        }
    }

    /** One fanout round, with the CPU node A and Redis spent on it (from before the subscribers open to after the last delivery). */
    private static ClusterFigures.Round round(Load load, Side side, int round, BenchRunner.Sizes sizes, FanoutPlan plan) throws Exception {
        long publisherCpu = Proc.cpuNanos(side.publishTo().pid());
        double redisCpu = side.redisCpuSeconds().getAsDouble();
        Load.Fanout fanout = load.fanout(side.subscribeTo(), side.publishTo(), round, sizes.subscribers(), sizes.clusterMessages(),
                sizes.window(), 0, plan);
        int messages = sizes.clusterMessages();
        return new ClusterFigures.Round(fanout, (Proc.cpuNanos(side.publishTo().pid()) - publisherCpu) / 1e3 / messages,
                (side.redisCpuSeconds().getAsDouble() - redisCpu) * 1e6 / messages);
    }

    /** CPU seconds of every live node of the cluster, masters and replicas. */
    private static double cpuSeconds(RedisCluster cluster) {
        double seconds = 0;
        for (RedisCluster.Node master : cluster.masters()) {
            seconds += RedisStats.cpuSeconds(master.commands());
            seconds += cluster.replicaOf(master).map(replica -> RedisStats.cpuSeconds(replica.commands())).orElse(0.0);
        }
        return seconds;
    }

    /**
     * A positioned subscriber on node B, a publication every {@value #INTERVAL_MILLIS} ms from
     * node A; once the subscriber has seen {@value #STEADY}, the master of the channel's slot is
     * killed (SIGKILL); publishing goes on until the subscriber has seen {@value #STEADY} more
     * after the replica's promotion, then a marker publication shows that everything has arrived.
     */
    private static ClusterFigures.Failover failover(Load load, RedisCluster cluster, Servers.Running publishTo,
                                                    Servers.Running subscribeTo, int repetition) throws Exception {
        String channel = "failover-" + repetition;
        Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        AtomicBoolean refusedSubscribe = new AtomicBoolean();
        Link subscriber = load.openOne(subscribeTo, new Link.Listener() {
            @Override
            public void reply(Link link, long id, ByteBuffer error) {
                refusedSubscribe.set(error != null);
                subscribed.countDown();
            }

            @Override
            public void message(ByteBuffer frame) {
                arrivals.add(new Arrival(Load.now(), StandardCharsets.UTF_8.decode(frame.duplicate()).toString()));
            }
        });
        subscriber.request(0, "subscribe", "{\"channel\":\"" + channel + "\",\"position\":true}");
        if (!subscribed.await(30, TimeUnit.SECONDS) || refusedSubscribe.get()) {
            throw new IllegalStateException(subscribeTo.name() + ": the subscribe to " + channel + " was not confirmed");
        }
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Link publisher = load.openOne(publishTo, (link, id, error) -> (error == null ? acknowledged : refused).incrementAndGet());
        double[] before = counters(subscribeTo);
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread pacer = new Thread(() -> {
            long start = Load.now();
            for (long i = 0; publishing.get(); i++) {
                long due = start + i * TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
                for (long wait = due - Load.now(); wait > 0; wait = due - Load.now()) {
                    LockSupport.parkNanos(wait);
                }
                publisher.request(i, "publish", "{\"channel\":\"" + channel + "\",\"data\":{\"i\":" + i + "}}");
                sent.incrementAndGet();
            }
        }, "failover-publisher");
        pacer.start();
        await("deliveries before the kill").atMost(Duration.ofSeconds(30)).until(() -> arrivals.size() >= STEADY);
        long kill = Load.now();
        cluster.killMaster(cluster.slot("streamrpc:{" + channel + "}"));
        double promotion = (Load.now() - kill) / 1e9;
        int seen = arrivals.size();
        await("deliveries after the promotion").atMost(Duration.ofSeconds(60)).until(() -> arrivals.size() >= seen + STEADY);
        publishing.set(false);
        pacer.join();
        await("every publish answered").atMost(Duration.ofSeconds(30)).until(() -> acknowledged.get() + refused.get() >= sent.get());
        long answered = acknowledged.get();
        long refusals = refused.get();
        publisher.request(-1, "publish", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":null}");
        await("the marker, after everything published before it").atMost(Duration.ofSeconds(30))
                .until(() -> arrivals.stream().anyMatch(arrival -> arrival.text().contains("\"event\":\"marker\"")));
        publisher.close();
        subscriber.close();
        double[] after = counters(subscribeTo);
        return seenBy(repetition, new ArrayList<>(arrivals), kill, promotion, sent.get(), answered, refusals,
                after[0] - before[0], after[1] - before[1], after[2] - before[2]);
    }

    /** Node B's gaps filled, gaps announced and broker resubscriptions so far. */
    private static double[] counters(Servers.Running node) throws Exception {
        return new double[] {Metrics.value(node.uri(), "streamrpc_history_gaps_filled_total"),
                Metrics.value(node.uri(), "streamrpc_history_gaps_announced_total"),
                Metrics.value(node.uri(), "streamrpc_broker_resubscriptions_total")};
    }

    /**
     * What the subscriber saw: the longest silence between two deliveries that ends after the
     * kill, the gap messages, and offsets that went missing with no gap message covering them
     * (or came twice, or out of order).
     */
    private static ClusterFigures.Failover seenBy(int repetition, List<Arrival> arrivals, long kill, double promotion, long sent,
                                                  long acknowledged, long refused, double filled, double announced,
                                                  double resubscriptions) {
        long previous = -1;
        long silence = 0;
        long resumed = -1;
        long expected = -1;
        long skipped = 0;
        long disordered = 0;
        long delivered = 0;
        List<String> gaps = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            JsonObject message = WsClient.parse(arrival.text());
            if (message.containsKey("gap")) {
                JsonObject gap = message.getJsonObject("gap");
                gaps.add(gap.toString());
                expected = gap.containsKey("epoch") ? 1 : gap.getJsonNumber("to").longValue() + 1;
                continue;
            }
            long offset = message.getJsonNumber("offset").longValue();
            if (expected > 0 && offset > expected) {
                skipped += offset - expected;
            } else if (expected > 0 && offset < expected) {
                disordered++;
            }
            expected = offset + 1;
            if (!"marker".equals(message.getString("event", ""))) {
                delivered++;
            }
            if (previous >= 0 && arrival.at() > kill && arrival.at() - previous > silence) {
                silence = arrival.at() - previous;
                resumed = arrival.at();
            }
            previous = arrival.at();
        }
        return new ClusterFigures.Failover(repetition, promotion, silence / 1e6, resumed < 0 ? Double.NaN : (resumed - kill) / 1e6,
                sent, acknowledged, refused, delivered, gaps, skipped, disordered, (long) filled, (long) announced, (long) resubscriptions);
    }
}
