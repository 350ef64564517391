package dev.streamrpc.bench;

import dev.streamrpc.testing.RedisCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** What {@link ClusterBench} measured, and its section of the report. */
final class ClusterFigures {

    /**
     * One round: the fanout as node B's subscribers saw it (its CPU per delivery is node B's),
     * node A's CPU per publish, and Redis's (all its processes) per publish.
     */
    record Round(Load.Fanout fanout, double publisherCpuMicrosPerPublish, double redisCpuMicrosPerPublish) {

        String server() {
            return fanout.server();
        }
    }

    /**
     * One failover as the subscriber saw it: how long the fixture took to see the replica promoted;
     * the longest silence between two deliveries that ended after the kill, and the time from the
     * kill to the delivery that ended it; publishes sent, acknowledged and refused; deliveries (the marker not counted);
     * the gap messages; offsets missing without a gap message, and offsets that came again or
     * out of order; node B's gaps filled from the history, gaps announced and broker resubscriptions.
     */
    record Failover(int repetition, double promotionSeconds, double silenceMillis, double killToResumeMillis, long sent,
                    long acknowledged, long refused, long delivered, List<String> gaps, long silentlySkipped, long disordered,
                    long gapsFilled, long gapsAnnounced, long resubscriptions) {
    }

    final List<Round> rounds = new ArrayList<>();
    final List<Failover> failovers = new ArrayList<>();

    boolean isEmpty() {
        return rounds.isEmpty() && failovers.isEmpty();
    }

    void markdown(StringBuilder md, BenchRunner.Sizes sizes, Map<String, String> commands, int pinnedCpu) {
        md.append("\n## Redis Cluster (issue 13)\n\n");
        md.append(String.format("Two StreamRPC nodes on one redis-server against two on a Redis Cluster of three masters and three "
                        + "replicas (Debian's redis-server 7, started by the test fixture `RedisCluster`: `redis-cli --cluster create "
                        + "--cluster-replicas 1`, `cluster-node-timeout` %d ms, no persistence), in this same run, every process on "
                        + "this one machine: the StreamRPC nodes %s, the Redis processes not pinned. History is on (the default) "
                        + "on both. Each round: %,d subscribers on node B spread over %,d channels (%,d a channel), asking for "
                        + "positions; %d publishers on node A taking turns over the channels, %d publishes in flight among them; "
                        + "%,d messages with about 128 bytes of data. Rounds alternate one Redis, cluster, one Redis, …, after a "
                        + "warm-up of each. Publish acks/s count from the first publish to the last acknowledgement, deliveries/s "
                        + "to the last delivery; node A's CPU and Redis's (`INFO cpu` `used_cpu_sys` + `used_cpu_user`, summed "
                        + "over the one process or the six) are counted over the whole round and divided by the publishes; "
                        + "node B's CPU per delivery over the publishing.%n%n",
                RedisCluster.NODE_TIMEOUT_MILLIS, pinnedCpu >= 0 ? "pinned to CPU " + pinnedCpu + " like the other servers" : "not pinned",
                sizes.subscribers(), sizes.clusterChannels(), Math.max(1, sizes.subscribers() / Math.max(1, sizes.clusterChannels())),
                ClusterBench.PUBLISHERS, sizes.window(), sizes.clusterMessages()));
        md.append("Started as: `").append(commands.getOrDefault(ClusterBench.ONE, "not started")).append("` and `")
                .append(commands.getOrDefault(ClusterBench.CLUSTER, "not started")).append("`.\n\n");
        md.append("| figure | one Redis | Redis Cluster | cluster ÷ one |\n| --- | ---: | ---: | ---: |\n");
        row(md, "publish acks/s", r -> r.fanout().acksPerSecond(), "%,.0f");
        row(md, "fanout deliveries/s", r -> r.fanout().perSecond(), "%,.0f");
        row(md, "node A (publishers) CPU per publish (µs)", Round::publisherCpuMicrosPerPublish, "%.1f");
        row(md, "Redis CPU per publish (µs)", Round::redisCpuMicrosPerPublish, "%.1f");
        row(md, "node B (subscribers) CPU per delivery (µs)", r -> r.fanout().serverCpuMicrosPerDelivery(), "%.2f");
        row(md, "latency p50 (ms)", r -> r.fanout().p50(), "%.1f");
        row(md, "latency p99 (ms)", r -> r.fanout().p99(), "%.1f");
        md.append("\nEvery round:\n\n| server | round | messages | acks/s | deliveries/s | lost | errors | p50 ms | p99 ms "
                + "| node B µs/delivery | node A µs/publish | Redis µs/publish | generator CPU s |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        rounds.forEach(r -> md.append(String.format("| %s | %d | %,d | %,.0f | %,.0f | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f |%n",
                r.server(), r.fanout().round(), r.fanout().messages(), r.fanout().acksPerSecond(), r.fanout().perSecond(),
                r.fanout().lost(), r.fanout().errors(), r.fanout().p50(), r.fanout().p99(), r.fanout().serverCpuMicrosPerDelivery(),
                r.publisherCpuMicrosPerPublish(), r.redisCpuMicrosPerPublish(), r.fanout().clientCpuSeconds())));
        failoverTable(md);
    }

    private void row(StringBuilder md, String figure, ToDoubleFunction<Round> value, String number) {
        Report.Spread one = Report.spread(rounds, Round::server, ClusterBench.ONE, value);
        Report.Spread cluster = Report.spread(rounds, Round::server, ClusterBench.CLUSTER, value);
        double ratio = cluster.median() / one.median();
        md.append(String.format("| %s | %s | %s | %s |%n", figure, one.format(number), cluster.format(number),
                Double.isNaN(ratio) ? "–" : String.format("%.2f", ratio)));
    }

    private void failoverTable(StringBuilder md) {
        md.append(String.format("%nFailover, %d time%s: a subscriber on node B asks for positions on a channel; node A publishes to it "
                        + "every %d ms without waiting for replies; once the subscriber has had %d messages, the master of the "
                        + "channel's slot is killed (SIGKILL) and the fixture waits for its replica to be promoted; publishing goes "
                        + "on until the subscriber has had %d more, then a marker shows that everything published has arrived. "
                        + "Silence: the longest time between two deliveries that ends after the kill (the last message before "
                        + "the outage to the first after). A publish the node cannot hand to Redis is refused (`Cannot publish "
                        + "to channel`), at the latest after `stream.broker.timeout` (5 s by default). Between repetitions the "
                        + "killed node is started again and rejoins as a replica.%n%n", failovers.size(), failovers.size() == 1 ? "" : "s", ClusterBench.INTERVAL_MILLIS,
                ClusterBench.STEADY, ClusterBench.STEADY));
        md.append("| repetition | kill → promoted (s) | silence (ms) | kill → first delivery after (ms) | published | acknowledged "
                + "| refused | delivered | gap messages | offsets missing without a gap | repeated or out of order "
                + "| node B: gaps filled, announced, resubscriptions |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |\n");
        failovers.forEach(f -> md.append(String.format("| %d | %.1f | %.0f | %.0f | %,d | %,d | %,d | %,d | %s | %d | %d | %d, %d, %d |%n",
                f.repetition(), f.promotionSeconds(), f.silenceMillis(), f.killToResumeMillis(), f.sent(), f.acknowledged(),
                f.refused(), f.delivered(), f.gaps().isEmpty() ? "none" : "`" + String.join("`, `", f.gaps()) + "`",
                f.silentlySkipped(), f.disordered(), f.gapsFilled(), f.gapsAnnounced(), f.resubscriptions())));
        md.append("\n");
    }

    void raw(StringBuilder text) {
        rounds.forEach(row -> text.append(row).append('\n'));
        failovers.forEach(row -> text.append(row).append('\n'));
    }
}
