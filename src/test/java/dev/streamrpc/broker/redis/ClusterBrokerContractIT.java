package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerContract;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.testing.RedisCluster;
import dev.streamrpc.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
