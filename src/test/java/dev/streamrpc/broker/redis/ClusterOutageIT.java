package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.Shard;
import dev.streamrpc.testing.RedisCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the cluster broker reports for health when shards are gone. A Redis Cluster that is
 * wholly gone is not a degraded one: nothing can be published or subscribed, so the broker
 * reports that it is reconnecting (health DOWN), as the single-Redis broker does, rather than
 * {@code degraded} (health 200, kept in the load balancer's rotation).
 */
class ClusterOutageIT {

    private RedisCluster cluster;
    private RedisClusterBroker broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startConnected() throws Exception {
        cluster = RedisCluster.startWithPassword("outage-pw");
        broker = new RedisClusterBroker(cluster.uri(), Duration.ofSeconds(2), Duration.ofSeconds(1), new PendingBytes(1 << 20), 100,
                Duration.ofMinutes(5));
        broker.start((channel, publication) -> { });
    }

    /**
     * A shard whose master and replica are both gone leaves its slots to a failed master: the
     * other shards still work (degraded, health 200), but that shard's channels do not.
     */
    @Test
    void aShardWithNoLiveNodeIsReportedAsDegraded() throws Exception {
        startConnected();
        assertThat(broker.state()).isEqualTo("connected");
        cluster.killShard(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.state().equals("degraded"));
    }

    @Test
    void aClusterWithEveryNodeDownIsReportedAsReconnecting() throws Exception {
        startConnected();
        broker.subscribe("outage").toCompletableFuture().join();
        assertThat(broker.state()).isEqualTo("connected");

        cluster.close();
        cluster = null;
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(3)).until(() -> !broker.state().equals("connected"));
        assertThat(broker.shards()).noneMatch(Shard::connected);
        assertThat(broker.state()).isEqualTo("reconnecting");
    }
}
