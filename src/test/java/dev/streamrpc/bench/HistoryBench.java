package dev.streamrpc.bench;

import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.WsClient;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.streamrpc.bench.BenchRunner.log;
import static dev.streamrpc.bench.BenchRunner.logged;

/**
 * The figures issue 12 asks for, StreamRPC against itself: fanout with history on (the
 * default) and off, in alternating rounds; the same through Redis, one message in flight,
 * for latency; the time a subscribe takes to recover many publications, on either broker;
 * and what a channel's history costs in Redis.
 */
final class HistoryBench {

    static final String ON = "StreamRPC, history on";
    static final String OFF = "StreamRPC, history off";
    static final String REDIS_ON = "StreamRPC+Redis, history on";
    static final String REDIS_OFF = "StreamRPC+Redis, history off";
    /** The data of every publication the recovery and memory figures make: 128 bytes of JSON. */
    static final String DATA = "{\"pad\":\"" + "x".repeat(118) + "\"}";
    /** Publications held per channel in the memory figure: the default {@code stream.history.size}. */
    static final int HELD = 100;
    private static final Map<String, String> HISTORY_OFF = Map.of("STREAM_HISTORY_SIZE", "0");
    private static final FanoutPlan POSITIONED = new FanoutPlan("bench", 1, 1, true);

    private HistoryBench() {
    }

    static void run(Servers servers, Load load, BenchRunner.Sizes sizes, HistoryFigures figures) throws Exception {
        inMemory(servers, load, sizes, figures);
        throughRedis(servers, load, sizes, figures);
    }

    /** Fanout on two servers side by side, history on and off, then recovery from the memory broker. */
    private static void inMemory(Servers servers, Load load, BenchRunner.Sizes sizes, HistoryFigures figures) throws Exception {
        try (Servers.Running on = servers.streamrpc(ON, Servers.STREAMRPC_SETTINGS);
             Servers.Running off = servers.streamrpc(OFF, Servers.with(Servers.STREAMRPC_SETTINGS, HISTORY_OFF))) {
            Map<Servers.Running, FanoutPlan> plans = Map.of(on, POSITIONED, off, FanoutPlan.ONE_CHANNEL);
            List<Servers.Running> alternating = List.of(on, off);
            for (Servers.Running server : alternating) {
                log("warm-up " + server.name());
                load.warmFanout(server, sizes.subscribers(), sizes.window(), sizes.warmupSeconds(), plans.get(server));
            }
            for (int round = 1; round <= sizes.rounds(); round++) {
                for (Servers.Running server : alternating) {
                    log("fanout round " + round + ", " + server.name());
                    figures.fanout.add(logged(load.fanout(server, server, round, sizes.subscribers(), sizes.messages(), sizes.window(), 0,
                            plans.get(server))));
                }
            }
            log(String.format("history on ÷ off: deliveries/s %.2f, server CPU per delivery %.2f (target: at least 0.9× the deliveries/s)",
                    figures.ratio(Load.Fanout::perSecond), figures.ratio(Load.Fanout::serverCpuMicrosPerDelivery)));
        }
        try (Servers.Running deep = servers.streamrpc("StreamRPC, history " + sizes.recoverPublications(),
                Servers.with(Servers.STREAMRPC_SETTINGS, keeping(sizes.recoverPublications())))) {
            recoveries(load, deep, "memory", sizes, figures);
        }
    }

    /**
     * One redis-server: two nodes with history on and two with it off, one message at a time
     * from one node to the other, rounds alternating; Redis memory per channel through a node
     * with the defaults; then recovery through a node that keeps enough.
     */
    private static void throughRedis(Servers servers, Load load, BenchRunner.Sizes sizes, HistoryFigures figures) throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("bench"); RedisStats stats = RedisStats.connect(redis.uri())) {
            Map<String, String> on = Servers.with(Servers.STREAMRPC_SETTINGS, Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri()));
            Map<String, String> off = Servers.with(on, HISTORY_OFF);
            try (Servers.Running onA = servers.streamrpc(REDIS_ON, on); Servers.Running onB = servers.streamrpc(REDIS_ON, on);
                 Servers.Running offA = servers.streamrpc(REDIS_OFF, off); Servers.Running offB = servers.streamrpc(REDIS_OFF, off)) {
                FanoutPlan positioned = new FanoutPlan("latency-on", 1, 1, true);
                FanoutPlan plain = new FanoutPlan("latency-off", 1, 1, false);
                log("latency through Redis, warm-up");
                load.fanout(onA, onB, 0, 1, 200, 1, 0, positioned);
                load.fanout(offA, offB, 0, 1, 200, 1, 0, plain);
                int messages = Math.max(50, sizes.redisMessages());
                for (int round = 1; round <= sizes.rounds(); round++) {
                    log("latency through Redis, round " + round);
                    figures.redisLatency.add(logged(load.fanout(onA, onB, round, 1, messages, 1, 0, positioned)));
                    figures.redisLatency.add(logged(load.fanout(offA, offB, round, 1, messages, 1, 0, plain)));
                }
                log("Redis memory per channel");
                figures.memory = logged(memory(load, onA, stats.commands(), sizes));
            }
            try (Servers.Running deep = servers.streamrpc("StreamRPC+Redis, history " + sizes.recoverPublications(),
                    Servers.with(on, keeping(sizes.recoverPublications())))) {
                recoveries(load, deep, "Redis", sizes, figures);
            }
        }
    }

    /**
     * Publishes {@value #HELD} publications to each of the channels through a node, then reads
     * what their keys take in Redis, and how much {@code used_memory} grew meanwhile.
     */
    private static HistoryFigures.RedisMemory memory(Load load, Servers.Running node, RedisCommands<String, String> redis,
                                                     BenchRunner.Sizes sizes) throws Exception {
        List<String> channels = IntStream.range(0, sizes.memoryChannels()).mapToObj(i -> "memory-" + i).toList();
        long before = RedisStats.usedMemory(redis);
        long refused = load.publish(node, channels, HELD, DATA, sizes.window());
        long after = RedisStats.usedMemory(redis);
        long meta = 0;
        long history = 0;
        long held = 0;
        for (String channel : channels) {
            meta += RedisStats.memoryUsage(redis, key(channel, "meta"));
            history += RedisStats.memoryUsage(redis, key(channel, "history"));
            held += redis.xlen(key(channel, "history"));
        }
        double n = channels.size();
        return new HistoryFigures.RedisMemory(channels.size(), held / n, DATA.length(), meta / n, history / n,
                (after - before) / n, refused);
    }

    /** A channel's Redis key, as the Redis broker names it (dev.streamrpc.broker.redis.ChannelKeys). */
    private static String key(String channel, String suffix) {
        return "streamrpc:{" + channel + "}:" + suffix;
    }

    /**
     * Publishes as many publications as the server keeps to one channel, then times, each time
     * on a fresh connection, a subscribe with {@code since} the stream's start: from sending the
     * request to receiving the reply that carries them all. As many unmeasured recoveries go
     * first, so that the server's and the client's code for it has been compiled.
     */
    private static void recoveries(Load load, Servers.Running server, String broker, BenchRunner.Sizes sizes,
                                   HistoryFigures figures) throws Exception {
        int publications = sizes.recoverPublications();
        log("recovery of " + publications + " publications, " + server.name());
        load.publish(server, List.of("recover"), publications, DATA, sizes.window());
        String since;
        try (WsClient probe = WsClient.connect(server.uri())) {
            JsonObject position = response(probe.call("subscribe", "{\"channel\":\"recover\",\"position\":true}")).getJsonObject("position");
            since = "{\"channel\":\"recover\",\"since\":{\"epoch\":\"" + position.getString("epoch") + "\",\"offset\":0}}";
        }
        for (int warmUp = 1; warmUp <= sizes.recoveries(); warmUp++) {
            recover(server, since, broker, 0, publications);
        }
        for (int repetition = 1; repetition <= sizes.recoveries(); repetition++) {
            figures.recoveries.add(logged(recover(server, since, broker, repetition, publications)));
        }
    }

    private static HistoryFigures.Recovery recover(Servers.Running server, String since, String broker, int repetition,
                                                   int publications) {
        try (WsClient fresh = WsClient.connect(server.uri())) {
            long start = System.nanoTime();
            fresh.request("subscribe", since);
            String reply = fresh.nextText();   // a fresh connection receives nothing before this reply
            double millis = (System.nanoTime() - start) / 1e6;
            JsonObject response = response(WsClient.parse(reply));
            return new HistoryFigures.Recovery(broker, repetition, publications, millis, reply.length(),
                    response.getBoolean("recovered"), response.getJsonArray("publications").size(), response.getString("reason", ""));
        }
    }

    private static JsonObject response(JsonObject reply) {
        if (!reply.containsKey("response")) {
            throw new IllegalStateException("subscribe refused: " + reply);
        }
        return reply.getJsonObject("response");
    }

    /** Settings under which a server keeps, and may recover, this many publications per channel. */
    private static Map<String, String> keeping(int publications) {
        return Map.of("STREAM_HISTORY_SIZE", Integer.toString(publications), "STREAM_HISTORY_MAX_RECOVERY", Integer.toString(publications));
    }
}
