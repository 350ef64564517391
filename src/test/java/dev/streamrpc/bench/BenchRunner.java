package dev.streamrpc.bench;

import dev.streamrpc.testing.RedisServer;

import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scenarios against StreamRPC (in-memory broker), the floor and Socket.IO in one run,
 * in alternating rounds after a warm-up of each, then StreamRPC through Redis, then StreamRPC
 * with history on against off ({@link HistoryBench}) and on one Redis against a Redis Cluster
 * ({@link ClusterBench}); writes the report and the chart. {@code bench/run} builds everything and calls it.
 *
 * <pre>BenchRunner [--quick] [--only fanout,rpc,fixed,idle,redis,history,cluster] [--set name=value,...] [--out DIR] [--no-pin] [--baseline JAR]</pre>
 *
 * {@code --set} changes sizes by the names of {@link Sizes} ({@code --set messages=500,rates=10000:20000});
 * a run with {@code --only} or {@code --set} writes to target/bench-custom unless {@code --out} says otherwise.
 * {@code --baseline} adds, in every round, a StreamRPC started from another build's jar ("StreamRPC before"),
 * so that a change is measured against the code before it in the same run; with {@code redis}, it also runs
 * the storm through Redis on each build in alternating rounds.
 */
public final class BenchRunner {

    private static final long STARTED = System.nanoTime();
    private static final String BASELINE = "StreamRPC before";

    /**
     * The sizes of a run; a fanout round delivers {@code subscribers × messages}. The history
     * scenario times {@code recoveries} subscribes that each recover {@code recoverPublications},
     * and measures Redis memory on {@code memoryChannels} channels; the cluster scenario
     * publishes {@code clusterMessages} over {@code clusterChannels} channels a round, then
     * kills a master {@code failovers} times.
     */
    record Sizes(int subscribers, int messages, int rounds, int window, int rpcConnections, double rpcSeconds,
                 double warmupSeconds, double[] rates, double rateSeconds, int idleConnections, int channelsEach,
                 int redisMessages, int recoveries, int recoverPublications, int memoryChannels, int clusterChannels,
                 int clusterMessages, int failovers) {

        /** A quarter of the warm-up is spent on rpc rounds, the rest on fanout rounds at full size. */
        double rpcWarmupSeconds() {
            return warmupSeconds / 4;
        }

        double fanoutWarmupSeconds() {
            return warmupSeconds - rpcWarmupSeconds();
        }
    }

    static final Sizes DEFAULT = new Sizes(1000, 5_000, 3, 64, 50, 5, 6, new double[] {20_000, 40_000}, 3,
            10_000, 10, 1_000, 9, 1_000, 100, 100, 50_000, 3);
    static final Sizes QUICK = new Sizes(20, 100, 2, 16, 4, 0.5, 1, new double[] {1_000}, 0.5, 200, 5, 50,
            3, 200, 10, 10, 500, 1);

    /** The scenarios, by the names {@code --only} takes. */
    enum Scenario { FANOUT, RPC, FIXED, IDLE, REDIS, HISTORY, CLUSTER }

    private static final String USAGE = "[--quick] [--only fanout,rpc,fixed,idle,redis,history,cluster] [--set name=value,...] "
            + "[--out DIR] [--no-pin] [--baseline JAR]";

    /** What the command line asked for. */
    record Options(String kind, Sizes sizes, Set<Scenario> scenarios, Path out, boolean pin, Path baseline) {

        static Options parse(String[] args) throws ReflectiveOperationException {
            boolean quick = false;
            boolean pin = true;
            Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
            String set = null;
            Path out = null;
            Path baseline = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--no-pin" -> pin = false;
                    case "--only" -> {
                        scenarios = EnumSet.noneOf(Scenario.class);
                        for (String name : args[++i].split(",")) {
                            scenarios.add(Scenario.valueOf(name.trim().toUpperCase()));
                        }
                    }
                    case "--set" -> set = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--baseline" -> baseline = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: " + USAGE);
                }
            }
            boolean custom = set != null || baseline != null || scenarios.size() < Scenario.values().length;
            String kind = custom ? "custom" : quick ? "quick" : "full";
            Sizes sizes = set == null ? (quick ? QUICK : DEFAULT) : override(quick ? QUICK : DEFAULT, set);
            if (out == null) {
                out = kind.equals("full") ? Path.of("docs") : Path.of("target", "bench-" + kind);
            }
            return new Options(kind, sizes, scenarios, out, pin, baseline);
        }

        /** The sizes with {@code name=value,...} changed; a list of rates is written {@code 10000:20000}. */
        private static Sizes override(Sizes base, String assignments) throws ReflectiveOperationException {
            Map<String, String> values = new HashMap<>();
            for (String assignment : assignments.split(",")) {
                String[] pair = assignment.split("=", 2);
                values.put(pair[0].trim(), pair[1].trim());
            }
            RecordComponent[] components = Sizes.class.getRecordComponents();
            Object[] arguments = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                types[i] = component.getType();
                String value = values.remove(component.getName());
                arguments[i] = value == null ? component.getAccessor().invoke(base)
                        : types[i] == int.class ? Integer.parseInt(value)
                        : types[i] == double.class ? Double.parseDouble(value)
                        : Arrays.stream(value.split(":")).mapToDouble(Double::parseDouble).toArray();
            }
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("no such size: " + values.keySet());
            }
            return Sizes.class.getDeclaredConstructor(types).newInstance(arguments);
        }
    }

    private BenchRunner() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Sizes sizes = options.sizes();
        Files.createDirectories(options.out());
        Servers servers = new Servers(options.pin());
        Report report = new Report(sizes, options.kind(), options.scenarios(), servers);
        try (Load load = new Load()) {
            if (options.scenarios().contains(Scenario.FANOUT) || options.scenarios().contains(Scenario.RPC)
                    || options.scenarios().contains(Scenario.FIXED)) {
                compare(servers, load, report, options);
            }
            if (options.scenarios().contains(Scenario.IDLE)) {
                // A fresh server every round: this is what a restart meets, and RSS grows from a known start.
                for (int round = 1; round <= sizes.rounds(); round++) {
                    for (Servers.Kind kind : Servers.Kind.values()) {
                        try (Servers.Running fresh = servers.start(kind)) {
                            idle(load, report, fresh, round);
                        }
                    }
                    if (options.baseline() != null) {
                        try (Servers.Running fresh = servers.streamrpc(BASELINE, options.baseline(), Servers.STREAMRPC_SETTINGS)) {
                            idle(load, report, fresh, round);
                        }
                    }
                }
            }
            if (options.scenarios().contains(Scenario.REDIS)) {
                throughRedis(servers, load, report);
                if (options.baseline() != null) {
                    redisStormsAgainstBaseline(servers, load, report, options.baseline());
                }
            }
            if (options.scenarios().contains(Scenario.HISTORY)) {
                HistoryBench.run(servers, load, sizes, report.history);
            }
            if (options.scenarios().contains(Scenario.CLUSTER)) {
                ClusterBench.run(servers, load, sizes, report.cluster);
            }
        }
        report.finish((System.nanoTime() - STARTED) / 60e9, LocalDate.now().toString(),
                Runtime.getRuntime().availableProcessors() + " cores, " + InetAddress.getLocalHost().getHostName()
                        + ", Java " + System.getProperty("java.version"));
        // The analysis (profiles, what each change gained) is written by hand in bench/NOTES.md.
        Path notes = Path.of("bench", "NOTES.md");
        String analysis = Files.exists(notes) ? "\n" + Files.readString(notes) : "";
        Files.writeString(options.out().resolve("BENCHMARKS.md"), report.markdown() + analysis);
        Chart.write(report, options.out().resolve("benchmarks.png"));
        Files.writeString(options.out().resolve("results.txt"), report.raw());
        log(String.format("done in %.1f minutes: %s", report.minutes(), options.out().resolve("BENCHMARKS.md")));
    }

    /**
     * The idle connections and the storm on a fresh server, then the same again on that server
     * once every client has gone (a network cut, a proxy restarting): the same clients coming
     * back to a warm server. Only the open rate and the storm of the second pass are reported;
     * the memory it allocated the first time is not new.
     */
    private static void idle(Load load, Report report, Servers.Running fresh, int round) throws Exception {
        log("idle connections and subscribe storm, round " + round + ", " + fresh.name());
        report.idle.add(logged(load.idle(fresh, round, report.sizes.idleConnections(), report.sizes.channelsEach())));
        log("the same clients back on the running server, round " + round + ", " + fresh.name());
        report.idleAgain.add(logged(load.idle(fresh, round, report.sizes.idleConnections(), report.sizes.channelsEach())));
    }

    /** The three servers side by side, started once: warm-up, then every scenario in alternating rounds. */
    private static void compare(Servers servers, Load load, Report report, Options options) throws Exception {
        Sizes sizes = report.sizes;
        Set<Scenario> scenarios = options.scenarios();
        List<Servers.Running> running = new ArrayList<>();
        try {
            for (Servers.Kind kind : Servers.Kind.values()) {
                running.add(servers.start(kind));
            }
            if (options.baseline() != null) {
                running.add(servers.streamrpc(BASELINE, options.baseline(), Servers.STREAMRPC_SETTINGS));
            }
            for (Servers.Running server : running) {
                if (server.jvm()) {
                    report.ergonomics.put(server.name(), Servers.ergonomics(server));
                }
                log("warm-up " + server.name());
                load.warmRpc(server, sizes.rpcConnections(), sizes.rpcWarmupSeconds());
                load.warmFanout(server, sizes.subscribers(), sizes.window(), sizes.fanoutWarmupSeconds(), FanoutPlan.ONE_CHANNEL);
            }
            for (int round = 1; scenarios.contains(Scenario.FANOUT) && round <= sizes.rounds(); round++) {
                for (Servers.Running server : running) {
                    log("fanout round " + round + ", " + server.name());
                    report.fanout.add(logged(load.fanout(server, server, round, sizes.subscribers(), sizes.messages(), sizes.window(), 0)));
                }
            }
            for (int round = 1; scenarios.contains(Scenario.RPC) && round <= sizes.rounds(); round++) {
                for (Servers.Running server : running) {
                    log("rpc round " + round + ", " + server.name());
                    report.rpc.add(logged(load.rpc(server, round, sizes.rpcConnections(), sizes.rpcSeconds())));
                }
            }
            for (double rate : scenarios.contains(Scenario.FIXED) ? sizes.rates() : new double[0]) {
                for (Servers.Running server : running) {
                    log("fixed rate " + (int) rate + "/s, " + server.name());
                    int messages = (int) Math.max(5, rate * sizes.rateSeconds() / sizes.subscribers());
                    // The rate, not a window, paces it.
                    report.fixed.add(logged(load.fanout(server, server, 1, sizes.subscribers(), messages, 1 << 24, rate)));
                }
            }
        } finally {
            running.forEach(server -> server.process().destroy()); // all stop at once
            for (Servers.Running server : running) {
                server.close();
            }
        }
    }

    /**
     * StreamRPC on a real redis-server, two fresh nodes: the idle connections and the subscribe
     * storm on one (every new channel is a Redis subscription), and the same clients back on it
     * once it has unsubscribed them all (the JVM has seen the path once); then, once that node has
     * unsubscribed them all and gone quiet, a message's way from one node to the other (one
     * subscriber, one in flight) and fanout across the two.
     */
    private static void throughRedis(Servers servers, Load load, Report report) throws Exception {
        Sizes sizes = report.sizes;
        String name = "StreamRPC+Redis";
        try (RedisServer redis = RedisServer.startWithPassword("bench")) {
            Map<String, String> settings = onRedis(redis);
            try (Servers.Running nodeA = servers.streamrpc(name, settings); Servers.Running nodeB = servers.streamrpc(name, settings)) {
                Proc.awaitQuiet(nodeB.pid());
                log("idle connections and subscribe storm through Redis");
                report.redisIdle = logged(load.idle(nodeA, 1, sizes.idleConnections(), sizes.channelsEach()));
                report.redisLetGo.add(logged(letGo(nodeA.name(), 1, redis, report.redisIdle, sizes.channelsEach())));
                Proc.awaitQuiet(nodeA.pid());
                log("the same clients back through Redis, running server");
                report.redisIdleAgain = logged(load.idle(nodeA, 2, sizes.idleConnections(), sizes.channelsEach()));
                Proc.awaitQuiet(nodeA.pid());
                log("fanout through Redis");
                load.fanout(nodeA, nodeB, 0, Math.min(100, sizes.subscribers()), 200, sizes.window(), 0);
                // Cross-node transit first, one message at a time; then throughput, whose backlog
                // (a publish is acknowledged once Redis has it) would spill into a later run.
                report.redis.add(logged(load.fanout(nodeA, nodeB, 1, 1, Math.max(50, sizes.redisMessages()), 1, 0)));
                report.redis.add(logged(load.fanout(nodeA, nodeB, 1, sizes.subscribers(), sizes.redisMessages(), sizes.window(), 0)));
            }
        }
    }

    /**
     * The storm through Redis, on this build and on the baseline's in alternating rounds, each a
     * fresh node on a fresh redis-server: a change to the Redis path measured against the code
     * before it in the same run (the figures above come from one node only).
     */
    private static void redisStormsAgainstBaseline(Servers servers, Load load, Report report, Path baseline) throws Exception {
        Sizes sizes = report.sizes;
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put(BASELINE + "+Redis", baseline);
        jars.put("StreamRPC+Redis", Path.of("target", "streamrpc-server.jar"));
        for (int round = 1; round <= sizes.rounds(); round++) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                try (RedisServer redis = RedisServer.startWithPassword("bench");
                     Servers.Running node = servers.streamrpc(jar.getKey(), jar.getValue(), onRedis(redis))) {
                    Proc.awaitQuiet(node.pid());
                    log("subscribe storm through Redis, round " + round + ", " + jar.getKey());
                    Load.Idle storm = load.idle(node, round, sizes.idleConnections(), sizes.channelsEach());
                    report.redisStorms.add(logged(storm));
                    report.redisLetGo.add(logged(letGo(jar.getKey(), round, redis, storm, sizes.channelsEach())));
                    Proc.awaitQuiet(node.pid());
                    log("the same clients back through Redis, round " + round + ", " + jar.getKey());
                    report.redisStormsAgain.add(logged(load.idle(node, round, sizes.idleConnections(), sizes.channelsEach())));
                }
            }
        }
    }

    /**
     * Called as a pass's clients have closed: waits (up to two minutes) until Redis counts none
     * of the pass's channels subscribed, its shared one and {@code channelsEach} for every
     * connection. The node's next pass waits for the same, so what this takes delays the clients
     * coming back.
     */
    private static Load.LetGo letGo(String node, int round, RedisServer redis, Load.Idle pass, int channelsEach)
            throws InterruptedException {
        long closed = System.nanoTime();
        long channels = (long) pass.connected() * channelsEach + 1;
        long deadline = closed + TimeUnit.MINUTES.toNanos(2);
        try (RedisStats stats = RedisStats.connect(redis.uri())) {
            long left;
            while ((left = RedisStats.pubsubChannels(stats.commands())) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return new Load.LetGo(node, round, channels, left, (System.nanoTime() - closed) / 1e9);
        }
    }

    /** StreamRPC's benchmark settings with the Redis broker on {@code redis}. */
    private static Map<String, String> onRedis(RedisServer redis) {
        Map<String, String> settings = new HashMap<>(Servers.STREAMRPC_SETTINGS);
        settings.put("STREAM_BROKER", "redis");
        settings.put("STREAM_REDIS_URI", redis.uri());
        return settings;
    }

    static <T> T logged(T result) {
        log(String.valueOf(result));
        return result;
    }

    static void log(String line) {
        System.out.printf("[bench %5.0f s] %s%n", (System.nanoTime() - STARTED) / 1e9, line);
    }
}
