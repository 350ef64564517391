package dev.streamrpc.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Everything measured in one run, and the report written from it: figures, ratios, the targets. */
final class Report {

    static final String STREAMRPC = Servers.Kind.STREAMRPC.label;
    static final String FLOOR = Servers.Kind.FLOOR.label;
    static final String SOCKET_IO = Servers.Kind.SOCKET_IO.label;
    static final List<String> SERVERS = List.of(STREAMRPC, FLOOR, SOCKET_IO);

    /** The middle and the ends of one figure over a server's rounds. */
    record Spread(double median, double min, double max) {

        static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN);

        static Spread of(double[] values) {
            double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
            int n = sorted.length;
            if (n == 0) {
                return NONE;
            }
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Spread(median, sorted[0], sorted[n - 1]);
        }

        /** (highest − lowest) / median: how far apart the rounds were. */
        double relative() {
            return (max - min) / median;
        }

        String format(String number) {
            if (Double.isNaN(median)) {
                return "–";
            }
            String middle = String.format(number, median);
            return min == max ? middle : middle + " (" + String.format(number, min) + "–" + String.format(number, max) + ")";
        }
    }

    final BenchRunner.Sizes sizes;
    final List<Load.Fanout> fanout = new ArrayList<>();
    final List<Load.Rpc> rpc = new ArrayList<>();
    final List<Load.Fanout> fixed = new ArrayList<>();
    final List<Load.Idle> idle = new ArrayList<>();
    /** The same servers' second pass: the clients back once all had gone. */
    final List<Load.Idle> idleAgain = new ArrayList<>();
    final List<Load.Fanout> redis = new ArrayList<>();
    Load.Idle redisIdle;
    Load.Idle redisIdleAgain;
    /** With a baseline: the storm through Redis on each build, a fresh node and redis-server a round. */
    final List<Load.Idle> redisStorms = new ArrayList<>();
    final List<Load.Idle> redisStormsAgain = new ArrayList<>();
    final List<Load.LetGo> redisLetGo = new ArrayList<>();
    final HistoryFigures history = new HistoryFigures();
    final ClusterFigures cluster = new ClusterFigures();
    /** What each JVM chose by itself (collector, heap). */
    final Map<String, String> ergonomics = new TreeMap<>();
    private final String kind;
    private final Set<BenchRunner.Scenario> scenarios;
    private final Servers servers;
    private double minutes;
    private String date;
    private String machine;

    Report(BenchRunner.Sizes sizes, String kind, Set<BenchRunner.Scenario> scenarios, Servers servers) {
        this.sizes = sizes;
        this.kind = kind;
        this.scenarios = scenarios;
        this.servers = servers;
    }

    void finish(double minutes, String date, String machine) {
        this.minutes = minutes;
        this.date = date;
        this.machine = machine;
    }

    double minutes() {
        return minutes;
    }

    static <T> Spread spread(List<T> rows, Function<T, String> server, String name, ToDoubleFunction<T> value) {
        return Spread.of(rows.stream().filter(r -> server.apply(r).equals(name)).mapToDouble(value).toArray());
    }

    Spread fanout(String server, ToDoubleFunction<Load.Fanout> value) {
        return spread(fanout, Load.Fanout::server, server, value);
    }

    Spread rpc(String server, ToDoubleFunction<Load.Rpc> value) {
        return spread(rpc, Load.Rpc::server, server, value);
    }

    Spread idle(String server, ToDoubleFunction<Load.Idle> value) {
        return spread(idle, Load.Idle::server, server, value);
    }

    Spread idleAgain(String server, ToDoubleFunction<Load.Idle> value) {
        return spread(idleAgain, Load.Idle::server, server, value);
    }

    Load.Fanout fixedAt(String server, double rate) {
        return fixed.stream().filter(f -> f.server().equals(server) && f.offered() == rate).findFirst().orElse(null);
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        if (!kind.equals("full")) {
            md.append("**").append(kind.equals("quick") ? "Quick run" : "Custom run")
                    .append("** (sizes below, scenarios ").append(scenarios).append("): these figures are not the benchmark's.\n\n");
        }
        md.append(String.format("Date %s; machine: %s (shared and noisy); run took %.1f minutes.%n%n", date, machine, minutes));
        method(md);
        targets(md);
        everyRound(md);
        md.append("\n![deliveries per second, CPU per delivery, echo calls per second and p99, memory per idle connection, "
                + "subscribes per second: medians, whiskers from the lowest to the highest round](benchmarks.png)\n");
        if (!history.isEmpty()) {
            history.markdown(md, sizes, servers.commands());
        }
        if (!cluster.isEmpty()) {
            cluster.markdown(md, sizes, servers.commands(), servers.pinnedCpu());
        }
        return md.toString();
    }

    private void method(StringBuilder md) {
        Map<String, String> commands = servers.commands();
        String pinned = servers.pinnedCpu() >= 0
                ? "each pinned with `taskset` to CPU " + servers.pinnedCpu() + " (one core each, the same one; the generator "
                + "is not pinned and has the other cores)"
                : "none pinned";
        md.append("## Method\n\n");
        md.append("Command: `bench/run` (builds, installs Socket.IO with `npm ci` in `bench/socketio`, then runs "
                + "`dev.streamrpc.bench.BenchRunner`). One generator, Jetty's core WebSocket client with 8 threads handling "
                + "frames as bytes (`java -Xmx1g`), drives all three servers, each in its own protocol. Every server is a "
                + "process of its own, started as its user starts it (StreamRPC with the README's command and its JVM option, "
                + "the others with no JVM or Node flags), " + pinned + ".\n\n");
        md.append("| server | started as | protocol | what it runs |\n| --- | --- | --- | --- |\n");
        md.append("| StreamRPC | `").append(commands.getOrDefault(STREAMRPC, "not started")).append("`: the README's command; "
                + "the only setting is the request rate per connection (1,000/s by default), which would cap the echo "
                + "scenario; the token bucket is still consulted on every request. ")
                .append(ergonomics.containsKey(STREAMRPC) ? "The JVM ran " + ergonomics.get(STREAMRPC) + ". " : "")
                .append("| docs/PROTOCOL.md at `/stream` | the demo's `echo` and the built-in `subscribe` and `publish` "
                        + "(in-memory broker), with validation, error mapping, metrics and the outbox in the path |\n");
        md.append("| floor | `").append(commands.getOrDefault(FLOOR, "not started")).append("`")
                .append(ergonomics.containsKey(FLOOR) ? "; the JVM chose " + ergonomics.get(FLOOR) : "")
                .append(" | the same protocol, the part the scenarios use | what a user writes without a framework: a "
                        + "Jakarta `@ServerEndpoint` on bare Jetty 12, requests parsed and replies built with Jakarta JSON "
                        + "Processing (Parsson, also under StreamRPC's JSON-B), a map of channel to sessions, a publication's "
                        + "text built once and sent to each subscriber with `getAsyncRemote().sendText`; no CDI, validation, "
                        + "interceptors, outbox or rate limit; the idle timeout set to StreamRPC's 5 minutes |\n");
        md.append("| Socket.IO | `").append(commands.getOrDefault(SOCKET_IO, "not started")).append("`: ")
                .append(Servers.socketIoVersions()).append(", the library's defaults | Engine.IO 4 / Socket.IO 5 on a "
                        + "WebSocket only (`/socket.io/?EIO=4&transport=websocket`): open `0{…}`, connect `40`, an event "
                        + "with acknowledgement `42N[\"echo\",{…}]` answered `43N[…]`, ping `2`, pong `3` | "
                        + "`bench/socketio/server.js`: `echo` acknowledges with its payload, `subscribe` joins the room of "
                        + "the channel, `publish` emits `message` to the room (Socket.IO encodes a broadcast once) |\n\n");
        md.append(String.format("Scenarios, at the sizes of this run:%n%n"
                        + "- **fanout**: %,d subscribers of one channel (room), one publisher sending %,d messages per round, each "
                        + "with about 128 bytes of data, %d publishes in flight (a publish waits for an earlier one's "
                        + "acknowledgement); deliveries/s from the first publish to the last delivery; server CPU per delivery "
                        + "from the server process's utime + stime in /proc; latency from publish to delivery.%n"
                        + "- **rpc**: %d connections calling `echo` (about 110 bytes of payload) back to back for %.1f s.%n"
                        + "- **fixed rate**: the fanout paced at %s deliveries/s, one round each: latency without a queue.%n"
                        + "- **idle connections and subscribe storm**, each round on a freshly started server (what a restart "
                        + "meets): %,d connections opened with up to 256 handshakes in flight, each subscribing to one shared "
                        + "channel; the open rate counts until the last subscription is confirmed (for Socket.IO it includes "
                        + "the namespace handshake); the growth of the server's RSS, and for the JVMs of its heap after a "
                        + "full GC, per connection; then every connection subscribes to %d channels of its own at once "
                        + "(%,d subscribes to distinct channels): confirmed subscribes per second until the last reply, "
                        + "refused ones counted apart; last, one publish "
                        + "on the shared channel must reach every connection. Then every connection closes and the same "
                        + "again on that running server (a network cut, a proxy restarting): the clients come back to a "
                        + "warm server; its open rate and storm are reported apart.%n"
                        + "- **Redis** (StreamRPC only, a real redis-server, two fresh nodes): the idle connections and "
                        + "subscribe storm on one node, where each new channel is a Redis subscription, and the same clients "
                        + "back on that node once it has let go of them all (timed from the clients' closing until "
                        + "Redis's INFO counts no pubsub_channels: the channels unsubscribed per second); then one message at "
                        + "a time from one node to the other, and fanout with the subscribers on one node and the publisher "
                        + "on the other (%,d messages).%n%n",
                sizes.subscribers(), sizes.messages(), sizes.window(), sizes.rpcConnections(), sizes.rpcSeconds(),
                String.join(" and ", Arrays.stream(sizes.rates()).mapToObj(r -> String.format("%,.0f", r)).toList()),
                sizes.idleConnections(),
                sizes.channelsEach(), sizes.idleConnections() * sizes.channelsEach(), sizes.redisMessages()));
        md.append(String.format("Order: the three servers start together; each gets a warm-up: rpc rounds of about "
                + "2 s until two in a row give the same calls/s within 10 %% (%.1f s at least, %.0f s at most), then "
                + "fanout rounds of about 5 s until two in a row cost the server the same CPU per delivery within 10 %% "
                + "(%.1f s at least, %.0f s at most): a JVM reaches its steady state only after several rounds at full "
                + "load; then %d fanout rounds alternating StreamRPC, floor, Socket.IO, StreamRPC, …; then %d rpc rounds the same "
                + "way; then the fixed rates. The idle scenario alternates likewise, on new processes. A figure is the "
                + "median of a server's rounds with the lowest and highest round in brackets; a ratio is StreamRPC's median "
                + "over the other server's median from this same run; the spread of a figure is (highest − lowest) / "
                + "median. The generator needs about as much CPU per delivery as a server, so deliveries/s also "
                + "depend on how it shares the machine; the server's CPU per delivery is the steadier figure. The "
                + "earlier \"most connections\" scenario (19,000 on one server) is left out: the file-descriptor limit "
                + "bounds it, and the idle scenario measures the same path at %,d.%n%n",
                sizes.rpcWarmupSeconds(), sizes.rpcWarmupSeconds() * Load.WARM_UP_LIMIT, sizes.fanoutWarmupSeconds(),
                sizes.fanoutWarmupSeconds() * Load.WARM_UP_LIMIT, sizes.rounds(),
                sizes.rounds(), sizes.idleConnections()));
    }

    private void targets(StringBuilder md) {
        md.append("## Against the targets of issue 16\n\n| figure | StreamRPC | floor | Socket.IO | StreamRPC ÷ floor "
                + "| StreamRPC ÷ Socket.IO | target | met |\n| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        Spread[] deliveries = byServer(s -> fanout(s, Load.Fanout::perSecond));
        row(md, "fanout deliveries/s", deliveries, "%,.0f", "≥ 1.0× Socket.IO", ratio(deliveries, 2) >= 1.0);
        Spread[] cpu = byServer(s -> fanout(s, Load.Fanout::serverCpuMicrosPerDelivery));
        row(md, "fanout server CPU per delivery (µs)", cpu, "%.2f", "≤ 1.1× floor and ≤ 0.9× Socket.IO",
                ratio(cpu, 1) <= 1.1 && ratio(cpu, 2) <= 0.9);
        row(md, "generator CPU per delivery (µs), for reference", byServer(s -> fanout(s, Load.Fanout::clientCpuMicrosPerDelivery)),
                "%.2f", "", null);
        row(md, "fanout latency p50 (ms)", byServer(s -> fanout(s, Load.Fanout::p50)), "%.1f", "", null);
        row(md, "fanout latency p99 (ms)", byServer(s -> fanout(s, Load.Fanout::p99)), "%.1f", "", null);
        Spread[] echo = byServer(s -> rpc(s, Load.Rpc::perSecond));
        row(md, "echo calls/s", echo, "%,.0f", "≥ 0.9× floor", ratio(echo, 1) >= 0.9);
        row(md, "echo latency p50 (ms)", byServer(s -> rpc(s, Load.Rpc::p50)), "%.2f", "", null);
        Spread[] echoP99 = byServer(s -> rpc(s, Load.Rpc::p99));
        row(md, "echo latency p99 (ms)", echoP99, "%.2f", "≤ 1.5× floor", ratio(echoP99, 1) <= 1.5);
        for (double rate : scenarios.contains(BenchRunner.Scenario.FIXED) ? sizes.rates() : new double[0]) {
            row(md, String.format("fanout latency p99 at a fixed %,.0f deliveries/s (ms)", rate), byServer(s -> {
                Load.Fanout run = fixedAt(s, rate);
                return run == null ? Spread.NONE : Spread.of(new double[] {run.p99()});
            }), "%.1f", "", null);
        }
        Spread[] rss = byServer(s -> idle(s, Load.Idle::rssKibPerConnection));
        row(md, "RSS per idle subscribed connection (KiB)", rss, "%.1f", "≤ 12 KiB", rss[0].median() <= 12);
        row(md, "heap after GC per idle subscribed connection (KiB)", byServer(s -> idle(s, Load.Idle::heapKibPerConnection)),
                "%.1f", "", null);
        Spread[] open = byServer(s -> idle(s, Load.Idle::openPerSecond));
        row(md, "connections opened and subscribed per second", open, "%,.0f", "≥ 0.8× floor", ratio(open, 1) >= 0.8);
        Spread[] reached = byServer(s -> idle(s, Load.Idle::reached));
        row(md, "idle connections the final publish reached", reached, "%,.0f", "all " + sizes.idleConnections(),
                reached[0].min() == sizes.idleConnections());
        Spread[] storm = byServer(s -> idle(s, Load.Idle::subscribesPerSecond));
        row(md, "subscribe storm, confirmed subscribes/s (in memory)", storm, "%,.0f", "", null);
        Spread[] refused = byServer(s -> idle(s, Load.Idle::errors));
        row(md, "subscribe storm, refused subscribes (in memory)", refused, "%,.0f", "none", refused[0].max() == 0, false);
        Spread[] stormToEcho = perEcho(storm, echo);
        row(md, "subscribes/s ÷ echo calls/s of the same server (in memory)", stormToEcho, "%.2f", "≥ 0.5",
                stormToEcho[0].median() >= 0.5, false);
        Spread[] openAgain = byServer(s -> idleAgain(s, Load.Idle::openPerSecond));
        row(md, "running server, the clients back: connections opened and subscribed per second", openAgain, "%,.0f",
                "≥ 0.8× floor", ratio(openAgain, 1) >= 0.8);
        Spread[] stormAgain = byServer(s -> idleAgain(s, Load.Idle::subscribesPerSecond));
        row(md, "running server, the clients back: confirmed subscribes/s", stormAgain, "%,.0f", "", null);
        Spread[] refusedAgain = byServer(s -> idleAgain(s, Load.Idle::errors));
        row(md, "running server, the clients back: refused subscribes", refusedAgain, "%,.0f", "none",
                refusedAgain[0].max() == 0, false);
        Spread[] stormAgainToEcho = perEcho(stormAgain, echo);
        row(md, "running server, the clients back: subscribes/s ÷ echo calls/s", stormAgainToEcho, "%.2f", "≥ 0.5",
                stormAgainToEcho[0].median() >= 0.5, false);
        if (redisIdle != null) {
            redisStormRows(md, "through Redis", redisIdle, echo[0], true);
        }
        if (redisIdleAgain != null) {
            redisStormRows(md, "through Redis, running server, the clients back", redisIdleAgain, echo[0], false);
        }
        if (redisIdle != null && !redisLetGo.isEmpty()) {
            row(md, "through Redis, the clients gone: channels unsubscribed per second", new Spread[] {
                    Spread.of(new double[] {redisLetGo.get(0).perSecond()}), Spread.NONE, Spread.NONE}, "%,.0f", "", null);
        }
        Spread[] cpuSpread = relative(cpu);
        row(md, "spread of CPU per delivery over the rounds", cpuSpread, "%.2f", "≤ floor's", ratio(cpuSpread, 1) <= 1.0);
        Spread[] echoSpread = relative(echo);
        row(md, "spread of echo calls/s over the rounds", echoSpread, "%.2f", "≤ floor's", ratio(echoSpread, 1) <= 1.0);
        md.append("\n");
    }

    /** Each server's subscribes/s over its own echo calls/s (medians). */
    private static Spread[] perEcho(Spread[] storm, Spread[] echo) {
        Spread[] ratios = new Spread[storm.length];
        for (int i = 0; i < storm.length; i++) {
            ratios[i] = Spread.of(new double[] {storm[i].median() / echo[i].median()});
        }
        return ratios;
    }

    private static Spread[] byServer(Function<String, Spread> figure) {
        return SERVERS.stream().map(figure).toArray(Spread[]::new);
    }

    private static Spread[] relative(Spread[] spreads) {
        return Arrays.stream(spreads).map(s -> Spread.of(new double[] {s.relative()})).toArray(Spread[]::new);
    }

    /** StreamRPC's median over that of server {@code other} (1 = floor, 2 = Socket.IO). */
    private static double ratio(Spread[] spreads, int other) {
        return spreads[0].median() / spreads[other].median();
    }

    /** One figure: {@code met} is null for a figure without a target; a target that compares with NaN is not judged. */
    private static void row(StringBuilder md, String figure, Spread[] spreads, String number, String target, Boolean met) {
        row(md, figure, spreads, number, target, met, true);
    }

    /** One figure, with the ratios between servers shown or (for a figure that is itself a ratio of two figures) left out. */
    private static void row(StringBuilder md, String figure, Spread[] spreads, String number, String target, Boolean met,
                            boolean ratios) {
        double toFloor = ratios ? ratio(spreads, 1) : Double.NaN;
        double toSocketIo = ratios ? ratio(spreads, 2) : Double.NaN;
        boolean measured = !Double.isNaN(spreads[0].median()) && !target.isEmpty()
                && (!target.contains("floor") || !Double.isNaN(toFloor))
                && (!target.contains("Socket.IO") || !Double.isNaN(toSocketIo));
        md.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |%n", figure, spreads[0].format(number),
                spreads[1].format(number), spreads[2].format(number), ratioText(toFloor), ratioText(toSocketIo), target,
                met == null ? "" : !measured ? "–" : met ? "yes" : "**no**"));
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format("%.2f", ratio);
    }

    private void everyRound(StringBuilder md) {
        md.append("## Every round\n\n").append(FANOUT_HEADER);
        fanout.forEach(f -> fanoutRow(md, "fanout", f));
        fixed.forEach(f -> fanoutRow(md, "fixed rate", f));
        redis.forEach(f -> fanoutRow(md, f.subscribers() == 1 ? "Redis, 1 subscriber, 1 in flight" : "fanout via Redis", f));
        md.append("\n| rpc | server | round | calls/s | errors | p50 ms | p99 ms | generator CPU s |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        rpc.forEach(r -> md.append(String.format("| echo | %s | %d | %,.0f | %d | %.2f | %.2f | %.1f |%n", r.server(), r.round(),
                r.perSecond(), r.errors(), r.p50(), r.p99(), r.clientCpuSeconds())));
        md.append("\n| idle | server | round | connected | open s | opened/s | RSS KiB/conn | heap KiB/conn | subscribes "
                + "| refused | storm s | confirmed/s | final publish reached |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        idle.forEach(i -> idleRow(md, "idle + storm", i, true));
        if (redisIdle != null) {
            idleRow(md, "idle + storm", redisIdle, true);
        }
        redisStorms.forEach(i -> idleRow(md, "idle + storm", i, true));
        idleAgain.forEach(i -> idleRow(md, "the clients back, running server", i, false));
        if (redisIdleAgain != null) {
            idleRow(md, "the clients back, running server", redisIdleAgain, false);
        }
        redisStormsAgain.forEach(i -> idleRow(md, "the clients back, running server", i, false));
        if (!redisLetGo.isEmpty()) {
            md.append("\n| the clients gone (through Redis) | server | round | channels | left subscribed | s until Redis has none "
                    + "| unsubscribed/s |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
            redisLetGo.forEach(g -> md.append(String.format("| let go | %s | %d | %,d | %,d | %.1f | %,.0f |%n", g.server(),
                    g.round(), g.channels(), g.left(), g.seconds(), g.perSecond())));
        }
    }

    /** The storm of one pass through Redis, against the echo rate in memory; the open rate only for a fresh server. */
    private void redisStormRows(StringBuilder md, String label, Load.Idle pass, Spread echo, boolean opening) {
        Spread storm = Spread.of(new double[] {pass.subscribesPerSecond()});
        row(md, label + ": confirmed subscribes/s", new Spread[] {storm, Spread.NONE, Spread.NONE}, "%,.0f", "", null);
        row(md, label + ": refused subscribes", new Spread[] {Spread.of(new double[] {pass.errors()}), Spread.NONE,
                Spread.NONE}, "%,.0f", "none", pass.errors() == 0, false);
        Spread ofEcho = Spread.of(new double[] {storm.median() / echo.median()});
        row(md, label + ": subscribes/s ÷ in-memory echo calls/s", new Spread[] {ofEcho, Spread.NONE, Spread.NONE},
                "%.2f", "≥ 0.5", ofEcho.median() >= 0.5, false);
        if (opening) {
            row(md, label + ": connections opened and subscribed per second",
                    new Spread[] {Spread.of(new double[] {pass.openPerSecond()}), Spread.NONE, Spread.NONE}, "%,.0f", "", null);
        }
    }

    /** One pass of the idle scenario; its memory only when the server was fresh (the second pass allocates little anew). */
    private static void idleRow(StringBuilder md, String scenario, Load.Idle i, boolean memory) {
        md.append(String.format("| %s | %s | %d | %d / %d | %.1f | %,.0f | %s | %s | %d | %d | %.1f | %,.0f | %d |%n", scenario,
                i.server(), i.round(), i.connected(), i.wanted(), i.openSeconds(), i.openPerSecond(),
                memory ? String.format("%.1f", i.rssKibPerConnection()) : "–",
                memory && !Double.isNaN(i.heapKibPerConnection()) ? String.format("%.1f", i.heapKibPerConnection()) : "–",
                i.subscribes(), i.errors(), i.stormSeconds(), i.subscribesPerSecond(), i.reached()));
    }

    /** The head of a table of fanout rounds, one {@link #fanoutRow} each. */
    static final String FANOUT_HEADER = "| scenario | server | round | offered/s | deliveries/s | lost | errors | p50 ms | p90 ms "
            + "| p99 ms | max ms | server µs/delivery | generator CPU s |\n"
            + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";

    static void fanoutRow(StringBuilder md, String scenario, Load.Fanout f) {
        md.append(String.format("| %s | %s | %d | %s | %,.0f | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |%n", scenario,
                f.server(), f.round(), f.offered() > 0 ? String.format("%,.0f", f.offered()) : "max", f.perSecond(), f.lost(),
                f.errors(), f.p50(), f.p90(), f.p99(), f.max(), f.serverCpuMicrosPerDelivery(), f.clientCpuSeconds()));
    }

    String raw() {
        StringBuilder text = new StringBuilder();
        List<Object> rows = new ArrayList<>();
        rows.addAll(fanout);
        rows.addAll(fixed);
        rows.addAll(rpc);
        rows.addAll(idle);
        rows.addAll(idleAgain);
        rows.addAll(redis);
        if (redisIdle != null) {
            rows.add(redisIdle);
        }
        if (redisIdleAgain != null) {
            rows.add(redisIdleAgain);
        }
        rows.addAll(redisStorms);
        rows.addAll(redisStormsAgain);
        rows.addAll(redisLetGo);
        rows.forEach(row -> text.append(row).append('\n'));
        history.raw(text);
        cluster.raw(text);
        return text.toString();
    }
}
