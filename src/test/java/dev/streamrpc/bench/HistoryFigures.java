package dev.streamrpc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;

/** What {@link HistoryBench} measured, and its section of the report. */
final class HistoryFigures {

    /**
     * One subscribe with {@code since} the start of a stream of {@code publications}: how long
     * from request to reply, how big the reply was, and what it said.
     */
    record Recovery(String broker, int repetition, int publications, double millis, int replyBytes, boolean recovered,
                    int recoveredPublications, String reason) {
    }

    /**
     * Redis memory per channel, each holding {@code heldEach} publications with {@code dataBytes}
     * of data: the two keys' {@code MEMORY USAGE}, and the growth of {@code used_memory} while
     * they were published, divided by the channels; {@code refused}: publishes refused.
     */
    record RedisMemory(int channels, double heldEach, int dataBytes, double metaBytes, double historyBytes,
                       double usedMemoryBytes, long refused) {

        double keyBytes() {
            return metaBytes + historyBytes;
        }
    }

    final List<Load.Fanout> fanout = new ArrayList<>();
    final List<Load.Fanout> redisLatency = new ArrayList<>();
    final List<Recovery> recoveries = new ArrayList<>();
    RedisMemory memory;

    boolean isEmpty() {
        return fanout.isEmpty() && redisLatency.isEmpty() && recoveries.isEmpty() && memory == null;
    }

    void markdown(StringBuilder md, BenchRunner.Sizes sizes, Map<String, String> commands) {
        md.append("\n## History and recovery (issue 12)\n\n");
        md.append(String.format("StreamRPC against itself, in this same run:%n%n"
                        + "- **fanout, history on against off**: two servers started side by side with the README's command "
                        + "`%s` (the default history: 100 publications per channel, kept 5 minutes) "
                        + "and `%s` (`STREAM_HISTORY_SIZE=0`: history off, offsets still counted); each warmed up, then "
                        + "%d rounds alternating on, off, on, …, at the main fanout's sizes (%,d subscribers of one channel, "
                        + "%,d messages of about 128 bytes, %d in flight). With history on every subscriber asks for positions "
                        + "(`\"position\": true`, as stream.js does), so each delivery carries its offset; with history off they "
                        + "subscribe without, as in version 1: this is version 2 as stream.js uses it against version 1.%n"
                        + "- **through Redis**: one redis-server, two nodes with history on and two with it off; one subscriber "
                        + "on one node, the publisher on the other, one message in flight, %,d messages a round, rounds "
                        + "alternating on and off; positions as above.%n"
                        + "- **recovery**: %,d publications with 128 bytes of data published to one channel, then a subscribe "
                        + "with `since` the stream's start (`{epoch, offset 0}`) on a fresh connection, %d times after as many "
                        + "unmeasured ones: the time from sending the request to receiving the reply that carries them (JDK "
                        + "WebSocket client, connected beforehand). The server keeps "
                        + "and may recover that many (`STREAM_HISTORY_SIZE` and `STREAM_HISTORY_MAX_RECOVERY` set to it; the "
                        + "default keeps 100). Memory broker, and a node on redis-server (the history read from the Redis stream).%n"
                        + "- **Redis memory**: %,d publications with 128 bytes of data to each of %,d channels, through a node with "
                        + "the defaults (which keep 100); `MEMORY USAGE … SAMPLES 0` of each channel's keys "
                        + "(`streamrpc:{NAME}:meta`, `streamrpc:{NAME}:history`), and the growth of `INFO memory` `used_memory` "
                        + "over the publishing, per channel.%n%n",
                commands.getOrDefault(HistoryBench.ON, "not started"), commands.getOrDefault(HistoryBench.OFF, "not started"),
                sizes.rounds(), sizes.subscribers(), sizes.messages(), sizes.window(), Math.max(50, sizes.redisMessages()),
                sizes.recoverPublications(), sizes.recoveries(), HistoryBench.HELD, sizes.memoryChannels()));
        md.append("| figure | history on | history off | on ÷ off | target | met |\n| --- | ---: | ---: | ---: | --- | --- |\n");
        row(md, "fanout deliveries/s", fanout, Load.Fanout::perSecond, "%,.0f", HistoryBench.ON, HistoryBench.OFF,
                "on ÷ off ≥ 0.9", ratio -> ratio >= 0.9);
        row(md, "fanout server CPU per delivery (µs)", fanout, Load.Fanout::serverCpuMicrosPerDelivery, "%.2f",
                HistoryBench.ON, HistoryBench.OFF, "on ÷ off ≤ 1.11 (0.9× the deliveries per CPU second)", ratio -> ratio <= 1 / 0.9);
        row(md, "fanout latency p50 (ms)", fanout, Load.Fanout::p50, "%.1f", HistoryBench.ON, HistoryBench.OFF, "", null);
        row(md, "fanout latency p99 (ms)", fanout, Load.Fanout::p99, "%.1f", HistoryBench.ON, HistoryBench.OFF, "", null);
        row(md, "through Redis, one in flight: latency p50 (ms)", redisLatency, Load.Fanout::p50, "%.2f",
                HistoryBench.REDIS_ON, HistoryBench.REDIS_OFF, "", null);
        row(md, "through Redis, one in flight: latency p99 (ms)", redisLatency, Load.Fanout::p99, "%.2f",
                HistoryBench.REDIS_ON, HistoryBench.REDIS_OFF, "", null);
        md.append("\n");
        recoveryTable(md);
        memoryTable(md);
        md.append("Every round:\n\n").append(Report.FANOUT_HEADER);
        fanout.forEach(f -> Report.fanoutRow(md, "fanout", f));
        redisLatency.forEach(f -> Report.fanoutRow(md, "Redis, 1 subscriber, 1 in flight", f));
        md.append("\n| recovery | repetition | publications | ms | reply KiB | recovered | publications recovered | reason |\n"
                + "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |\n");
        recoveries.forEach(r -> md.append(String.format("| %s | %d | %,d | %.1f | %.1f | %s | %,d | %s |%n", r.broker(), r.repetition(),
                r.publications(), r.millis(), r.replyBytes() / 1024.0, r.recovered() ? "yes" : "**no**", r.recoveredPublications(),
                r.reason().isEmpty() ? "–" : r.reason())));
        md.append("\n");
    }

    /** The in-memory fanout's median with history on over its median with history off. */
    double ratio(ToDoubleFunction<Load.Fanout> value) {
        return Report.spread(fanout, Load.Fanout::server, HistoryBench.ON, value).median()
                / Report.spread(fanout, Load.Fanout::server, HistoryBench.OFF, value).median();
    }

    /** One figure, history on against off, with on ÷ off, which {@code met} judges when there is a target. */
    private static void row(StringBuilder md, String figure, List<Load.Fanout> rounds, ToDoubleFunction<Load.Fanout> value,
                            String number, String on, String off, String target, DoublePredicate met) {
        Report.Spread withHistory = Report.spread(rounds, Load.Fanout::server, on, value);
        Report.Spread without = Report.spread(rounds, Load.Fanout::server, off, value);
        double ratio = withHistory.median() / without.median();
        String judged = met == null ? "" : Double.isNaN(ratio) ? "–" : met.test(ratio) ? "yes" : "**no**";
        md.append(String.format("| %s | %s | %s | %s | %s | %s |%n", figure, withHistory.format(number), without.format(number),
                Double.isNaN(ratio) ? "–" : String.format("%.2f", ratio), target, judged));
    }

    private void recoveryTable(StringBuilder md) {
        md.append("| recovery on subscribe | memory broker | Redis broker |\n| --- | ---: | ---: |\n");
        md.append("| time from request to reply (ms), median (lowest–highest) | ").append(recovery("memory", Recovery::millis, "%.1f"))
                .append(" | ").append(recovery("Redis", Recovery::millis, "%.1f")).append(" |\n");
        md.append("| reply size (KiB) | ").append(recovery("memory", r -> r.replyBytes() / 1024.0, "%.0f"))
                .append(" | ").append(recovery("Redis", r -> r.replyBytes() / 1024.0, "%.0f")).append(" |\n");
        md.append("| replies with every publication recovered | ").append(complete("memory")).append(" | ")
                .append(complete("Redis")).append(" |\n\n");
    }

    private String recovery(String broker, ToDoubleFunction<Recovery> value, String number) {
        return Report.spread(recoveries, Recovery::broker, broker, value).format(number);
    }

    private String complete(String broker) {
        List<Recovery> mine = recoveries.stream().filter(r -> r.broker().equals(broker)).toList();
        long complete = mine.stream().filter(r -> r.recovered() && r.recoveredPublications() == r.publications()).count();
        return mine.isEmpty() ? "–" : complete + " of " + mine.size();
    }

    private void memoryTable(StringBuilder md) {
        if (memory == null) {
            return;
        }
        md.append("| Redis memory per channel | bytes |\n| --- | ---: |\n");
        md.append(String.format("| publications held per channel (`XLEN`), %d bytes of data each | %.0f |%n", memory.dataBytes(),
                memory.heldEach()));
        md.append(String.format("| `MEMORY USAGE` of the meta hash | %,.0f |%n", memory.metaBytes()));
        md.append(String.format("| `MEMORY USAGE` of the history stream | %,.0f |%n", memory.historyBytes()));
        md.append(String.format("| both keys | %,.0f (%,.0f per publication held) |%n", memory.keyBytes(),
                memory.keyBytes() / memory.heldEach()));
        md.append(String.format("| growth of `used_memory` over the publishing, per channel (cross-check) | %,.0f |%n",
                memory.usedMemoryBytes()));
        md.append(String.format("| publishes refused | %d |%n%n", memory.refused()));
    }

    void raw(StringBuilder text) {
        List<Object> rows = new ArrayList<>(fanout);
        rows.addAll(redisLatency);
        rows.addAll(recoveries);
        if (memory != null) {
            rows.add(memory);
        }
        rows.forEach(row -> text.append(row).append('\n'));
    }
}
