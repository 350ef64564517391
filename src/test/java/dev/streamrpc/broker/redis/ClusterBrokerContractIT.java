package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerContract;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.testing.RedisCluster;
import dev.streamrpc.testing.RedisInfo;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.KillArgs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The broker contract against a real Redis Cluster (three masters, three replicas of
 * Debian's redis-server), and start-up with a bad configuration.
 */
class ClusterBrokerContractIT extends BrokerContract {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.startWithPassword("contract-pw");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Override
    protected Broker newBroker(PendingBytes pending, int historySize, Duration ttl) {
        return new RedisClusterBroker(cluster.uri(), Duration.ofSeconds(2), Duration.ofSeconds(1), pending, historySize, ttl);
    }

    /**
     * Lettuce's topology refresh (every second here, as by default) opens and closes its own
     * connections to every node; those are not the broker's pub/sub connection going away, and
     * subscribing every channel again on each of them would load every shard and deliver each
     * channel's latest publication again every second.
     */
    @Test
    void aBrokerLeftAloneThroughSeveralTopologyRefreshesSubscribesNothingAgain() {
        String channel = unique("quiet");
        done(broker.subscribe(channel));
        done(broker.publish(channel, "e", EncodedMessage.of("first")));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        RedisCluster.Node node = cluster.masters().get(0);
        long before = connectionsReceived(node);
        await().atMost(WAIT).until(() -> connectionsReceived(node) >= before + 4);
        done(broker.publish(channel, "e", EncodedMessage.of("marker")));
        await().atMost(WAIT).until(() -> seen.stream().anyMatch(publication -> publication.text().equals("marker")));
        assertThat(seen).extracting(Seen::text).containsExactly("first", "marker");
        assertThat(broker.resubscriptions()).isZero();
    }

    /**
     * Lettuce reconnects a dropped pub/sub connection and re-subscribes its channels in one
     * SSUBSCRIBE, which Redis refuses when they are in several slots (LettuceClusterBehaviourIT):
     * the broker subscribes each of them again itself.
     */
    @Test
    void whenItsPubSubConnectionToANodeDropsItsChannelsInSeveralSlotsAreSubscribedAgain() {
        RedisCluster.Node master = cluster.masters().get(1);
        Set<Integer> slots = new HashSet<>();
        List<String> channels = Stream.generate(() -> unique("dropped"))
                .filter(channel -> cluster.masterFor(redisName(channel)).equals(master))
                .filter(channel -> slots.add(cluster.slot(redisName(channel)))).limit(2).toList();
        channels.forEach(channel -> done(broker.subscribe(channel)));

        assertThat(master.commands().clientKill(KillArgs.Builder.typePubsub())).isEqualTo(1L);

        String[] names = channels.stream().map(ClusterBrokerContractIT::redisName).toArray(String[]::new);
        await().atMost(WAIT).until(() -> List.copyOf(master.commands().pubsubShardNumsub(names).values()).equals(List.of(1L, 1L)));
        channels.forEach(channel -> done(broker.publish(channel, "e", EncodedMessage.of(channel))));
        // Redis may count the subscriptions before Lettuce has handled their confirmations; the
        // latest publication read back then may come a second time (the hub drops it by offset).
        await().atMost(WAIT).until(() -> seen.stream().map(Seen::text).distinct().count() == 2);
        assertThat(seen.stream().map(Seen::text).distinct()).containsExactlyInAnyOrderElementsOf(channels);
    }

    /**
     * A slot moved to another master takes its streams along (MIGRATE copies the keys whole):
     * nothing was lost, so the stream goes on in its epoch there. The node that wrote it is another
     * one now, which is not the writer restarting from a snapshot.
     */
    @Test
    void aStreamWhoseSlotMovedToAnotherMasterKeepsItsEpochAndOffsets() {
        String channel = unique("moving");
        String epoch = done(broker.subscribe(channel)).epoch();
        done(broker.publish(channel, "e", EncodedMessage.of("1")));
        done(broker.publish(channel, "e", EncodedMessage.of("2")));
        int slot = cluster.slot(redisName(channel));
        RedisCluster.Node target = cluster.masters().stream().filter(master -> !master.equals(cluster.masterFor(slot)))
                .findFirst().orElseThrow();
        cluster.moveSlot(slot, target);
        await().atMost(WAIT).ignoreExceptions().until(() -> done(broker.publish(channel, "e", EncodedMessage.of("3"))) == null);
        assertThat(done(broker.history(channel, 0, 10)).state()).isEqualTo(new StreamState(epoch, 3));
    }

    /** Hash tags: a channel whose name starts with a closing brace still keeps all its keys in one slot. */
    @Test
    void aChannelNameStartingWithAClosingBraceCanBeSubscribedAndPublished() {
        String channel = "}" + unique("brace");
        done(broker.subscribe(channel));
        done(broker.publish(channel, "e", EncodedMessage.of("braced")));
        await().atMost(WAIT).until(() -> seen.contains(new Seen(channel, "e", "braced")));
    }

    private static String redisName(String channel) {
        return new String(ChannelKeys.of(channel).pubsub(), StandardCharsets.UTF_8);
    }

    private static long connectionsReceived(RedisCluster.Node node) {
        return (long) RedisInfo.number(node.commands().info("stats"), "total_connections_received");
    }

    @Test
    void withNoSeedReachableStartUpFailsNamingTheSeeds() {
        RedisClusterBroker nowhere = new RedisClusterBroker("redis://127.0.0.1:1,redis://127.0.0.1:2", Duration.ofSeconds(2),
                Duration.ofSeconds(1), new PendingBytes(1 << 20), 100, Duration.ofMinutes(5));
        assertThatThrownBy(() -> nowhere.start((channel, publication) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot reach the Redis Cluster at 127.0.0.1:1,127.0.0.1:2")
                .hasMessageContaining("Connection refused");
    }

    @Test
    void aSeedThatIsNotAClusterFailsStartUpSayingSo() throws Exception {
        try (RedisServer plain = RedisServer.startWithPassword("plain-pw")) {
            RedisClusterBroker notACluster = new RedisClusterBroker(plain.uri(), Duration.ofSeconds(2), Duration.ofSeconds(1),
                    new PendingBytes(1 << 20), 100, Duration.ofMinutes(5));
            assertThatThrownBy(() -> notACluster.start((channel, publication) -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Cannot reach the Redis Cluster at")
                    .hasMessageContaining("cluster support disabled");
        }
    }
}
