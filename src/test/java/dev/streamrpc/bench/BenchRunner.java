package dev.streamrpc.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Runs every scenario against StreamRPC (in-memory broker) and the bare-Jetty floor in one
 * run, alternating A B A B after a warm-up of both, then the fanout through Redis with two
 * servers; writes the report and the chart. {@code bench/run} builds everything and calls it.
 *
 * <pre>BenchRunner OUTPUT_DIR [--quick]</pre>
 */
public final class BenchRunner {

    /** The sizes of a run. */
    record Sizes(int subscribers, int messages, int rounds, int window, int rpcConnections, double rpcSeconds,
                 double warmupSeconds, int idleConnections, int mostConnections, double[] rates, double rateSeconds,
                 int redisMessages) {
    }

    static final Sizes DEFAULT = new Sizes(1000, 10_000, 2, 64, 50, 6, 16, 10_000, 19_000,
            new double[] {5_000, 10_000, 20_000, 40_000}, 4, 1_000);
    static final Sizes QUICK = new Sizes(20, 100, 2, 16, 4, 1, 1, 100, 150, new double[] {1_000}, 1, 50);

    private static final Map<String, String> STREAMRPC_ENV = Map.of(
            "STREAM_RATE_LIMIT", "1e9", "STREAM_RATE_BURST", "1e9", "STREAM_MAX_CONNECTIONS", "100000");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        boolean quick = args.length > 1 && args[1].equals("--quick");
        Sizes sizes = quick ? QUICK : DEFAULT;
        Files.createDirectories(out);
        long started = System.nanoTime();
        Report report = new Report(sizes);
        try (Load load = new Load()) {
            try (Servers.Running a = Servers.streamrpc("StreamRPC", STREAMRPC_ENV); Servers.Running b = Servers.floor()) {
                List<Servers.Running> both = List.of(a, b);
                for (Servers.Running server : both) {
                    log("warm-up " + server.name());
                    // A quarter of the warm-up on rpc, the rest on fanout at full size (about 50,000 deliveries/s here).
                    load.rpc(server.name(), server.uri(), sizes.rpcConnections(), sizes.warmupSeconds() / 4);
                    load.fanout(server.name(), server.uri(), server.uri(), server.pid(), sizes.subscribers(),
                            (int) Math.max(10, sizes.warmupSeconds() * 0.75 * 50_000 / sizes.subscribers()), sizes.window(), 0);
                }
                for (int round = 0; round < sizes.rounds(); round++) {
                    for (Servers.Running server : both) {
                        log("fanout round " + (round + 1) + " " + server.name());
                        report.fanout.add(load.fanout(server.name(), server.uri(), server.uri(), server.pid(),
                                sizes.subscribers(), sizes.messages() / sizes.rounds(), sizes.window(), 0));
                    }
                }
                for (int round = 0; round < sizes.rounds(); round++) {
                    for (Servers.Running server : both) {
                        log("rpc round " + (round + 1) + " " + server.name());
                        report.rpc.add(load.rpc(server.name(), server.uri(), sizes.rpcConnections(), sizes.rpcSeconds()));
                    }
                }
                for (double rate : sizes.rates()) {
                    for (Servers.Running server : both) {
                        log("fixed rate " + rate + " " + server.name());
                        int messages = (int) Math.max(5, rate * sizes.rateSeconds() / sizes.subscribers());
                        report.fixed.add(load.fanout(server.name(), server.uri(), server.uri(), server.pid(),
                                sizes.subscribers(), messages, 1 << 24, rate)); // the rate, not a window, paces it
                    }
                }
                for (Servers.Running server : both) {
                    log("conns " + server.name());
                    report.conns.add(load.conns(server.name(), server.uri(), server.pid(), sizes.idleConnections()));
                }
            }
            // As many connections as the file-descriptor limit allows one server (20,000 here), on a fresh server.
            try (Servers.Running fresh = Servers.streamrpc("StreamRPC", STREAMRPC_ENV)) {
                log("most connections StreamRPC");
                report.most = load.conns(fresh.name(), fresh.uri(), fresh.pid(), sizes.mostConnections());
            }
            try (Servers.Running redis = Servers.redis();
                 Servers.Running nodeA = Servers.streamrpc("StreamRPC+Redis", withRedis(redis));
                 Servers.Running nodeB = Servers.streamrpc("StreamRPC+Redis", withRedis(redis))) {
                log("fanout through Redis");
                load.fanout(nodeA.name(), nodeA.uri(), nodeB.uri(), nodeA.pid(), Math.min(100, sizes.subscribers()), 200,
                        sizes.window(), 0);
                // Cross-node transit first, one message at a time; then throughput, whose backlog
                // (publishes are acknowledged by the publishing node) would spill into any later run.
                Thread.sleep(2000);
                report.redis.add(load.fanout(nodeA.name(), nodeA.uri(), nodeB.uri(), nodeA.pid(), 1,
                        (int) Math.max(50, sizes.redisMessages()), 1, 0));
                report.redis.add(load.fanout(nodeA.name(), nodeA.uri(), nodeB.uri(), nodeA.pid(), sizes.subscribers(),
                        sizes.redisMessages(), sizes.window(), 0));
            }
        }
        report.minutes = (System.nanoTime() - started) / 60e9;
        report.machine = Runtime.getRuntime().availableProcessors() + " cores, " + InetAddress.getLocalHost().getHostName()
                + ", Java " + System.getProperty("java.version");
        report.date = LocalDate.now().toString();
        // The analysis (profiles, what each change gained) is written by hand in bench/NOTES.md.
        Path notes = Path.of("bench", "NOTES.md");
        String analysis = Files.exists(notes) ? "\n" + Files.readString(notes) : "";
        Files.writeString(out.resolve("BENCHMARKS.md"), report.markdown(quick) + analysis);
        Chart.write(report, out.resolve("benchmarks.png"));
        Files.writeString(out.resolve("results.txt"), report.raw());
        log(String.format("done in %.1f minutes: %s", report.minutes, out.resolve("BENCHMARKS.md")));
    }

    private static Map<String, String> withRedis(Servers.Running redis) {
        Map<String, String> environment = new java.util.HashMap<>(STREAMRPC_ENV);
        environment.put("STREAM_BROKER", "redis");
        environment.put("STREAM_REDIS_URI", redis.uri().toString());
        return environment;
    }

    private static void log(String line) {
        System.out.println("[bench] " + line);
    }

    /** Everything measured in one run. */
    static final class Report {
        final Sizes sizes;
        final List<Load.Fanout> fanout = new ArrayList<>();
        final List<Load.Rpc> rpc = new ArrayList<>();
        final List<Load.Fanout> fixed = new ArrayList<>();
        final List<Load.Conns> conns = new ArrayList<>();
        final List<Load.Fanout> redis = new ArrayList<>();
        Load.Conns most;
        double minutes;
        String machine;
        String date;

        Report(Sizes sizes) {
            this.sizes = sizes;
        }

        static <T> double median(List<T> rows, String server, java.util.function.Function<T, String> name, ToDoubleFunction<T> value) {
            double[] values = rows.stream().filter(r -> name.apply(r).equals(server)).mapToDouble(value).sorted().toArray();
            if (values.length == 0) {
                return Double.NaN;
            }
            return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        }

        double fanout(String server, ToDoubleFunction<Load.Fanout> value) {
            return median(fanout, server, Load.Fanout::server, value);
        }

        double rpc(String server, ToDoubleFunction<Load.Rpc> value) {
            return median(rpc, server, Load.Rpc::server, value);
        }

        Load.Fanout fixedAt(String server, double rate) {
            return fixed.stream().filter(f -> f.server().equals(server) && f.offered() == rate).findFirst().orElse(null);
        }

        Load.Conns conns(String server) {
            return conns.stream().filter(c -> c.server().equals(server)).findFirst().orElseThrow();
        }

        String markdown(boolean quick) {
            StringBuilder md = new StringBuilder();
            md.append("# Benchmarks\n\n");
            if (quick) {
                md.append("**Quick run** (CI check of the benchmark itself, tiny sizes): these figures mean nothing.\n\n");
            }
            md.append(String.format("Date %s; machine: %s (shared and noisy); run took %.1f minutes.%n%n", date, machine, minutes));
            md.append("Command: `bench/run` (builds, then runs `dev.streamrpc.bench.BenchRunner docs`). ");
            md.append(String.format("StreamRPC (embedded jar, in-memory broker) and the floor (bare Jetty 12 Jakarta WebSocket, "
                    + "no CDI, no JSON-B) run as separate JVMs with the same flags (%s); the generator (Jetty's core WebSocket "
                    + "client, 8 threads) runs in a third. Warm-up: %.0f s of rpc and fanout load on each server before "
                    + "measuring. Scenarios alternate StreamRPC, floor, StreamRPC, floor; the ratio is StreamRPC's median over "
                    + "the floor's median from this same run.%n%n", String.join(" ", Servers.JVM_FLAGS), sizes.warmupSeconds()));
            String a = "StreamRPC";
            String b = "floor";
            md.append("| figure | StreamRPC | floor | ratio | target |\n| --- | ---: | ---: | ---: | --- |\n");
            row(md, "fanout deliveries/s (" + sizes.subscribers() + " subscribers, " + sizes.messages() + " messages in "
                    + sizes.rounds() + " rounds, " + sizes.window() + " in flight)",
                    fanout(a, Load.Fanout::perSecond), fanout(b, Load.Fanout::perSecond), "%.0f", "≥ 1.0");
            row(md, "fanout server CPU per delivery (µs)", fanout(a, Load.Fanout::serverCpuMicrosPerDelivery),
                    fanout(b, Load.Fanout::serverCpuMicrosPerDelivery), "%.2f", "≤ 1.0");
            row(md, "fanout latency p50 at full speed (ms)", fanout(a, Load.Fanout::p50), fanout(b, Load.Fanout::p50), "%.1f", "");
            row(md, "fanout latency p99 at full speed (ms)", fanout(a, Load.Fanout::p99), fanout(b, Load.Fanout::p99), "%.1f", "");
            Load.Fanout fixedA = fixedAt(a, 20_000);
            Load.Fanout fixedB = fixedAt(b, 20_000);
            if (fixedA != null && fixedB != null) {
                row(md, "p99 latency at a fixed 20,000 deliveries/s (ms)", fixedA.p99(), fixedB.p99(), "%.2f", "≤ 1.2");
            }
            row(md, "rpc echo calls/s (" + sizes.rpcConnections() + " connections, " + (int) sizes.rpcSeconds() + " s)",
                    rpc(a, Load.Rpc::perSecond), rpc(b, Load.Rpc::perSecond), "%.0f", "≥ 0.8");
            row(md, "rpc latency p50 (ms)", rpc(a, Load.Rpc::p50), rpc(b, Load.Rpc::p50), "%.2f", "");
            row(md, "rpc latency p99 (ms)", rpc(a, Load.Rpc::p99), rpc(b, Load.Rpc::p99), "%.2f", "");
            Load.Conns ca = conns(a);
            Load.Conns cb = conns(b);
            row(md, "RSS per idle subscribed connection (KiB, " + sizes.idleConnections() + " connections)",
                    ca.rssKibPerConnection(), cb.rssKibPerConnection(), "%.1f", "≤ 12 KiB");
            row(md, "heap per idle subscribed connection (KiB)", ca.heapKibPerConnection(), cb.heapKibPerConnection(), "%.1f", "");
            md.append(String.format("| idle connections held / final publish reached | %d / %d | %d / %d | | all |%n",
                    ca.connected(), ca.reached(), cb.connected(), cb.reached()));
            md.append(String.format("| most connections one server held (asked %d) / final publish reached | %d / %d | | | ≥ 19,000, all |%n",
                    most.wanted(), most.connected(), most.reached()));
            md.append("\n## Every run\n\n| scenario | server | offered/s | deliveries/s | lost | p50 ms | p90 ms | p99 ms | max ms "
                    + "| server µs/delivery | generator CPU s |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            fanout.forEach(f -> fanoutRow(md, "fanout", f));
            fixed.forEach(f -> fanoutRow(md, "fixed rate", f));
            redis.forEach(f -> fanoutRow(md, f.subscribers() == 1 ? "Redis, 1 subscriber, 1 in flight" : "fanout via Redis", f));
            md.append("\n| rpc | server | calls/s | p50 ms | p99 ms | generator CPU s |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
            rpc.forEach(r -> md.append(String.format("| rpc | %s | %.0f | %.2f | %.2f | %.1f |%n", r.server(), r.perSecond(), r.p50(),
                    r.p99(), r.clientCpuSeconds())));
            md.append("\n![deliveries per second, p99 latency, latency against offered load](benchmarks.png)\n");
            return md.toString();
        }

        private static void row(StringBuilder md, String figure, double a, double b, String format, String target) {
            md.append(String.format("| %s | " + format + " | " + format + " | %.2f | %s |%n", figure, a, b, a / b, target));
        }

        private static void fanoutRow(StringBuilder md, String scenario, Load.Fanout f) {
            md.append(String.format("| %s | %s | %s | %.0f | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |%n", scenario, f.server(),
                    f.offered() > 0 ? String.format("%.0f", f.offered()) : "max", f.perSecond(), f.lost(), f.p50(), f.p90(),
                    f.p99(), f.max(), f.serverCpuMicrosPerDelivery(), f.clientCpuSeconds()));
        }

        String raw() {
            StringBuilder text = new StringBuilder();
            fanout.forEach(f -> text.append(f).append('\n'));
            fixed.forEach(f -> text.append(f).append('\n'));
            rpc.forEach(r -> text.append(r).append('\n'));
            conns.forEach(c -> text.append(c).append('\n'));
            text.append(most).append('\n');
            redis.forEach(f -> text.append(f).append('\n'));
            return text.toString();
        }
    }
}
