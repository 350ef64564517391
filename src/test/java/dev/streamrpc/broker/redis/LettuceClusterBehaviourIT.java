package dev.streamrpc.broker.redis;

import dev.streamrpc.testing.RedisCluster;
import dev.streamrpc.testing.RedisCluster.Node;
import dev.streamrpc.testing.RedisServer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.event.MovedRedirectionEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.Event;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What Lettuce 7.7 and Redis 7 really do with sharded pub/sub (SSUBSCRIBE, SPUBLISH) on a real
 * Redis Cluster of three masters and three replicas: executable documentation for the cluster
 * broker. Each test states one behaviour the broker relies on or must work around; failovers
 * and slot moves are real (SIGKILL, CLUSTER SETSLOT). Channels are named like the broker's,
 * {@code streamrpc:{NAME}}, so a channel and its history keys share a slot.
 */
class LettuceClusterBehaviourIT {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceClusterBehaviourIT.class);

    /** Lettuce 7.7's defaults: every adaptive trigger, at most one refresh per 5 s, no periodic refresh. */
    private static final ClusterTopologyRefreshOptions DEFAULT_REFRESH = ClusterTopologyRefreshOptions.create();

    /** What the broker should use: a periodic refresh, and adaptive refreshes at most once a second. */
    private static final ClusterTopologyRefreshOptions FAST_REFRESH = ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(1))
            .enableAllAdaptiveRefreshTriggers()
            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
            .build();

    /**
     * Leaves nodes the cluster agreed have failed (not those merely suspected, {@code fail?}) out
     * of Lettuce's topology, so Lettuce closes their connections.
     */
    private static final Predicate<RedisClusterNode> WITHOUT_FAILED_NODES = node -> !node.is(RedisClusterNode.NodeFlag.FAIL)
            && !node.is(RedisClusterNode.NodeFlag.NOADDR);

    private static final String PUBLISH_SCRIPT = """
            local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100, '*', 'offset', offset, 'data', ARGV[1])
            redis.call('SPUBLISH', KEYS[3], offset .. ':' .. ARGV[1])
            return offset""";

    private static RedisCluster cluster;
    private static ClientResources resources;

    private final Recorded recorded = new Recorded();
    private final Queue<Event> busEvents = new ConcurrentLinkedQueue<>();
    private final List<Disposable> busSubscriptions = new CopyOnWriteArrayList<>();
    private RedisClusterClient client;
    private StatefulRedisClusterPubSubConnection<String, String> pubsub;
    private StatefulRedisClusterConnection<String, String> connection;
    private RedisAdvancedClusterCommands<String, String> commands;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.startWithPassword("cluster-pw");
        // A node's connection retries at least once a second until the topology drops the node.
        resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        } finally {
            cluster.close();
        }
    }

    @AfterEach
    void closeClientAndHealTheCluster() throws Exception {
        busSubscriptions.forEach(Disposable::dispose);
        if (client != null) {
            try {
                client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // Now and then after a failover it never completes (redis/lettuce#2278, open): that
                // is not what these tests are about, and the shared resources are closed at the end.
                LOG.warn("Lettuce's client shutdown did not complete within 10 s; going on");
            }
        }
        cluster.restartKilledNodes();
    }

    private void connect(ClusterTopologyRefreshOptions refresh) {
        connect(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build());
    }

    private void connect(ClusterClientOptions options) {
        client = RedisClusterClient.create(resources, cluster.uris().stream().map(RedisURI::create).toList());
        client.setOptions(options);
        onBusEvent(busEvents::add);
        pubsub = client.connectPubSub();
        pubsub.addListener(recorded);
        connection = client.connect();
        commands = connection.sync();
    }

    private void onBusEvent(Consumer<Event> consumer) {
        busSubscriptions.add(resources.eventBus().get().subscribe(consumer));
    }

    // --- a. where subscriptions go and how messages arrive -------------------------------------

    @Test
    void aShardedSubscriptionGoesToTheMasterThatOwnsTheChannelsSlot() {
        connect(DEFAULT_REFRESH);
        String channel = "streamrpc:{owned}";
        Node owner = cluster.masterFor(channel);

        pubsub.sync().ssubscribe(channel);

        for (Node master : cluster.masters()) {
            assertThat(master.commands().pubsubShardNumsub(channel)).containsEntry(channel, master.equals(owner) ? 1L : 0L);
        }
        await().until(() -> recorded.ports("ssubscribed", channel), ports -> ports.equals(List.of(owner.port())));
    }

    @Test
    void anSpublishThroughAClusterConnectionArrivesAsAnSmessageFromTheOwner() {
        connect(DEFAULT_REFRESH);
        String channel = "streamrpc:{delivered}";
        Node owner = cluster.masterFor(channel);
        pubsub.sync().ssubscribe(channel);

        assertThat(commands.spublish(channel, "hello")).isEqualTo(1L);

        await().until(() -> recorded.messages(channel), messages -> messages.equals(List.of("hello")));
        assertThat(recorded.ports("smessage", channel)).containsExactly(owner.port());
        assertThat(recorded.of("message", channel)).as("the classic message callback").isEmpty();
    }

    // --- d. one SSUBSCRIBE per slot --------------------------------------------------------------

    @Test
    void oneSsubscribeOfChannelsInTwoSlotsIsRefusedWithCrossslotEvenOnOneNode() {
        connect(DEFAULT_REFRESH);
        Node master = cluster.masters().get(0);
        List<String> channels = channelsOn(master, "crossslot", 2);

        assertThatThrownBy(() -> pubsub.sync().ssubscribe(channels.get(0), channels.get(1)))
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageStartingWith("CROSSSLOT");
        assertThat(master.commands().pubsubShardNumsub(channels.get(0), channels.get(1)).values()).containsOnly(0L);
    }

    @Test
    void channelsInOneSlotCanShareOneSsubscribeAndLettuceComputesTheSlotAsRedisDoes() {
        connect(DEFAULT_REFRESH);
        List<String> sameSlot = twoChannelsInOneSlot("grouped");
        Node owner = cluster.masterFor(sameSlot.get(0));

        pubsub.sync().ssubscribe(sameSlot.get(0), sameSlot.get(1));

        assertThat(SlotHash.getSlot(sameSlot.get(0))).isEqualTo(cluster.slot(sameSlot.get(0))).isEqualTo(cluster.slot(sameSlot.get(1)));
        assertThat(owner.commands().pubsubShardNumsub(sameSlot.get(0), sameSlot.get(1)).values()).containsExactly(1L, 1L);
    }

    @Test
    void afterAReconnectLettuceRestoresANodesShardChannelsWhenTheyShareOneSlot() {
        connect(DEFAULT_REFRESH);
        List<String> sameSlot = twoChannelsInOneSlot("restored");
        Node owner = cluster.masterFor(sameSlot.get(0));
        pubsub.sync().ssubscribe(sameSlot.get(0), sameSlot.get(1));

        assertThat(owner.commands().clientKill(KillArgs.Builder.typePubsub())).isEqualTo(1L);
        assertThat(owner.commands().pubsubShardNumsub(sameSlot.get(0), sameSlot.get(1)).values()).containsExactly(0L, 0L);

        await().until(() -> owner.commands().pubsubShardNumsub(sameSlot.get(0), sameSlot.get(1)),
                counts -> List.copyOf(counts.values()).equals(List.of(1L, 1L)));
    }

    @Test
    void afterAReconnectLettuceLosesEveryShardChannelOfANodeWhenTheyAreInSeveralSlots() {
        connect(DEFAULT_REFRESH);
        Node master = cluster.masters().get(1);
        List<String> channels = channelsOn(master, "lost", 2);
        channels.forEach(channel -> pubsub.sync().ssubscribe(channel));

        assertThat(master.commands().clientKill(KillArgs.Builder.typePubsub())).isEqualTo(1L);

        // Lettuce reconnects and re-subscribes with one SSUBSCRIBE naming both channels, which
        // Redis refuses (CROSSSLOT; Lettuce logs "Re-subscribe failed"). CLIENT LIST shows the
        // reconnected client's last command and that it holds no shard subscription.
        String resubscriber = await().until(() -> clientThatRanSsubscribe(master), line -> line != null);
        assertThat(resubscriber).contains(" ssub=0 ");
        assertThat(master.commands().pubsubShardNumsub(channels.get(0), channels.get(1)).values()).containsExactly(0L, 0L);
    }

    // --- b. failover -----------------------------------------------------------------------------

    @Test
    void afterAFailoverNoSunsubscribeArrivesAndLettuceDoesNotMoveTheSubscriptionToTheNewMaster() throws Exception {
        connect(FAST_REFRESH);
        String channel = channelOnAMasterWithAReplica("failover");
        int slot = cluster.slot(channel);
        pubsub.sync().ssubscribe(channel);

        Node promoted = cluster.killMaster(slot);
        awaitLettuceKnowsTheOwner(slot, promoted);

        // A publisher's SPUBLISH now reaches the new master and reports that nobody received it.
        assertThat(commands.spublish(channel, "into the void")).isZero();
        assertThat(promoted.commands().pubsubShardNumsub(channel)).containsEntry(channel, 0L);
        assertThat(recorded.of("sunsubscribed", channel)).isEmpty();

        // Subscribing again is all it takes: the command is routed to the new owner.
        pubsub.sync().ssubscribe(channel);
        assertThat(commands.spublish(channel, "found")).isEqualTo(1L);
        await().until(() -> recorded.messages(channel), messages -> messages.contains("found"));
        assertThat(recorded.ports("smessage", channel)).containsOnly(promoted.port());
    }

    @Test
    void resubscribingOnEveryTopologyChangeRestoresDeliverySoonAfterAFailover() throws Exception {
        connect(FAST_REFRESH);
        String channel = channelOnAMasterWithAReplica("resumed");
        int slot = cluster.slot(channel);
        pubsub.sync().ssubscribe(channel);
        Map<String, Long> ownerSince = new ConcurrentHashMap<>();
        onBusEvent(event -> {
            if (event instanceof ClusterTopologyChangedEvent change) {
                change.after().stream().filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && node.hasSlot(slot))
                        .forEach(owner -> ownerSince.putIfAbsent(owner.getNodeId(), System.nanoTime()));
                // SSUBSCRIBE is idempotent, so subscribing again where nothing moved costs nothing.
                pubsub.async().ssubscribe(channel);
            }
        });
        Publisher publisher = new Publisher(channel);
        long killed;
        long promotedAt;
        Node promoted;
        Recorded.Seen first;
        try {
            await().until(() -> recorded.messages(channel).size() >= 5);
            killed = System.nanoTime();
            promoted = cluster.killMaster(slot);
            promotedAt = System.nanoTime();
            Node newOwner = promoted;
            first = await().atMost(Duration.ofSeconds(20))
                    .until(() -> recorded.first("smessage", channel, newOwner.port()), message -> message != null);
        } finally {
            publisher.stop();
        }

        Recorded.Seen lastBefore = recorded.lastMessageBefore(channel, first);
        LOG.info("Failover seen by a subscriber: promoted after {} ms, Lettuce's topology named the new owner after {} ms, "
                        + "first message from the new master after {} ms (last from the old one: {}, first from the new: {}); "
                        + "{} publications failed, {} were acknowledged with 0 receivers, {} acknowledged with a receiver never arrived",
                millis(promotedAt - killed), millis(ownerSince.getOrDefault(promoted.id(), killed) - killed),
                millis(first.nanos() - killed), lastBefore.message(), first.message(), publisher.failed(),
                publisher.acknowledgedWithNoReceiver(),
                publisher.acknowledgedButLostBefore(Long.parseLong(first.message()), recorded.messages(channel)));
    }

    @Test
    void whenTheOldMasterReturnsAsAReplicaLettucesForgottenConnectionSubscribesThereAndMessagesArriveTwice() throws Exception {
        connect(FAST_REFRESH);
        String channel = channelOnAMasterWithAReplica("twice");

        Failover failover = failOverAndRestartTheOldMaster(channel);

        assertThat(failover.deadMasterKeptInTopology()).isTrue();
        await().until(() -> failover.old().commands().pubsubShardNumsub(channel).get(channel), count -> count == 1L);
        assertThat(commands.spublish(channel, "twice")).as("receivers on the master alone").isEqualTo(1L);
        await().until(() -> recorded.ports("smessage", channel), ports -> ports.size() == 2);
        assertThat(recorded.ports("smessage", channel)).containsExactlyInAnyOrder(failover.promoted().port(), failover.old().port());
    }

    @Test
    void aNodeFilterThatLeavesOutFailedNodesClosesTheDeadMastersConnectionSoMessagesArriveOnce() throws Exception {
        connect(ClusterClientOptions.builder().topologyRefreshOptions(FAST_REFRESH).nodeFilter(WITHOUT_FAILED_NODES).build());
        String channel = channelOnAMasterWithAReplica("once");

        Failover failover = failOverAndRestartTheOldMaster(channel);

        assertThat(failover.deadMasterKeptInTopology()).isFalse();
        // Without the filter, the dead master's connection would be back and subscribed within a
        // reconnect delay (at most 1 s here); it must stay away for twice that.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> failover.old().commands().pubsubShardNumsub(channel).get(channel), count -> count == 0L);
        assertThat(commands.spublish(channel, "once")).isEqualTo(1L);
        assertThat(commands.spublish(channel, "marker")).isEqualTo(1L);
        await().until(() -> recorded.messages(channel), messages -> messages.contains("marker"));
        assertThat(recorded.messages(channel)).containsExactly("once", "marker");
    }

    private record Failover(Node old, Node promoted, boolean deadMasterKeptInTopology) {
    }

    /**
     * Kills the channel's master, subscribes again once Lettuce knows the promoted replica (as
     * the broker must), then restarts the old master, which rejoins as the new master's replica,
     * and waits until Lettuce's topology lists it again.
     */
    private Failover failOverAndRestartTheOldMaster(String channel) throws Exception {
        int slot = cluster.slot(channel);
        Node old = cluster.masterFor(slot);
        pubsub.sync().ssubscribe(channel);
        Node promoted = cluster.killMaster(slot);
        awaitLettuceKnowsTheOwner(slot, promoted);
        boolean deadMasterKept = client.getPartitions().getPartitionByNodeId(old.id()) != null;
        pubsub.sync().ssubscribe(channel);
        cluster.restartKilledNodes();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.getPartitions().getPartitionByNodeId(old.id()),
                node -> node != null && node.is(RedisClusterNode.NodeFlag.REPLICA));
        return new Failover(old, promoted, deadMasterKept);
    }

    // --- c. resharding: a slot moves to another master --------------------------------------------

    @Test
    void movingASlotSendsAnUnsolicitedSunsubscribeAndLettuceDoesNotSubscribeAgain() {
        connect(DEFAULT_REFRESH);
        String channel = "streamrpc:{moved}";
        int slot = cluster.slot(channel);
        Node source = cluster.masterFor(slot);
        Node target = anotherMaster(source);
        pubsub.sync().ssubscribe(channel);

        cluster.moveSlot(slot, target);

        await().until(() -> recorded.ports("sunsubscribed", channel), ports -> ports.equals(List.of(source.port())));
        assertThat(commands.spublish(channel, "after the move")).as("receivers on the new owner").isZero();
        assertThat(target.commands().pubsubShardNumsub(channel)).containsEntry(channel, 0L);
        assertThat(source.commands().pubsubShardNumsub(channel)).containsEntry(channel, 0L);
    }

    @Test
    void subscribingAgainOnAnUnsolicitedSunsubscribeFollowsMovedToTheNewOwner() {
        connect(DEFAULT_REFRESH);
        String channel = "streamrpc:{follows}";
        int slot = cluster.slot(channel);
        Node source = cluster.masterFor(slot);
        Node target = anotherMaster(source);
        commands.hset("streamrpc:{follows}:meta", "offset", "7");
        recorded.onSunsubscribed = lost -> pubsub.async().ssubscribe(lost);
        pubsub.sync().ssubscribe(channel);

        cluster.moveSlot(slot, target);

        await().until(() -> recorded.ports("ssubscribed", channel), ports -> ports.equals(List.of(source.port(), target.port())));
        assertThat(busEvents).as("Lettuce's topology was stale, Redis redirected the SSUBSCRIBE")
                .anyMatch(event -> event instanceof MovedRedirectionEvent);
        LOG.info("Slot move seen by a subscriber: subscribed on the new owner {} ms after the unsolicited sunsubscribe",
                millis(recorded.first("ssubscribed", channel, target.port()).nanos() - recorded.first("sunsubscribed", channel, source.port()).nanos()));
        assertThat(commands.spublish(channel, "moved along")).isEqualTo(1L);
        await().until(() -> recorded.messages(channel), messages -> messages.contains("moved along"));
        assertThat(target.commands().hget("streamrpc:{follows}:meta", "offset")).as("keys move with their slot").isEqualTo("7");
    }

    // --- e. the publish script -------------------------------------------------------------------

    @Test
    void aScriptWhoseKeysShareTheChannelsHashTagRunsOnTheOwnerAndSpublishesInTheSameStep() {
        connect(DEFAULT_REFRESH);
        String channel = "streamrpc:{scripted}";
        Node owner = cluster.masterFor(channel);
        pubsub.sync().ssubscribe(channel);
        String[] keys = {"streamrpc:{scripted}:meta", "streamrpc:{scripted}:history", channel};

        Long first = commands.eval(PUBLISH_SCRIPT, ScriptOutputType.INTEGER, keys, "a");
        Long second = commands.eval(PUBLISH_SCRIPT, ScriptOutputType.INTEGER, keys, "b");

        assertThat(List.of(first, second)).containsExactly(1L, 2L);
        await().until(() -> recorded.messages(channel), messages -> messages.equals(List.of("1:a", "2:b")));
        // Read on the owner alone: a plain connection to any other node would get MOVED.
        assertThat(owner.commands().hget(keys[0], "offset")).isEqualTo("2");
        assertThat(owner.commands().xlen(keys[1])).isEqualTo(2L);
    }

    @Test
    void aScriptMayOnlySpublishToChannelsOfItsOwnNodeAndOnlyADeclaredChannelIsCheckedForItsSlot() {
        connect(DEFAULT_REFRESH);
        String meta = "streamrpc:{checked}:meta";
        Node owner = cluster.masterFor(meta);
        String publishArgv = "redis.call('HINCRBY', KEYS[1], 'offset', 1) return redis.call('SPUBLISH', ARGV[1], 'x')";
        String publishKey = "redis.call('HINCRBY', KEYS[1], 'offset', 1) return redis.call('SPUBLISH', KEYS[2], 'x')";
        String elsewhere = channelOn(master -> !master.equals(owner), "elsewhere");
        String sameNodeOtherSlot = channelOn(master -> master.equals(owner), "neighbour");

        assertThatThrownBy(() -> commands.eval(publishKey, ScriptOutputType.INTEGER, new String[] {meta, sameNodeOtherSlot}))
                .isInstanceOf(RedisCommandExecutionException.class).hasMessageStartingWith("CROSSSLOT");
        assertThatThrownBy(() -> commands.eval(publishArgv, ScriptOutputType.INTEGER, new String[] {meta}, elsewhere))
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageContaining("Script attempted to access a non local key in a cluster node");
        // Undeclared and on the same node, another slot's channel passes: it works only until a slot moves.
        assertThat((Long) commands.eval(publishArgv, ScriptOutputType.INTEGER, new String[] {meta}, sameNodeOtherSlot)).isZero();
    }

    @Test
    void afterAFailoverTheNewMasterKnowsOnlyTheScriptsLoadedThroughTheClusterClient() throws Exception {
        connect(FAST_REFRESH);
        String channel = channelOnAMasterWithAReplica("scripts");
        int slot = cluster.slot(channel);
        String[] keys = {channel + ":meta", channel + ":history", channel};
        String evaluated = PUBLISH_SCRIPT;
        String loaded = PUBLISH_SCRIPT + " -- loaded";
        commands.eval(evaluated, ScriptOutputType.INTEGER, keys, "evaluated");
        String loadedSha = commands.scriptLoad(loaded);
        String evaluatedSha = commands.digest(evaluated);
        Node replica = cluster.replicaOf(cluster.masterFor(slot)).orElseThrow();
        assertThat(replica.commands().scriptExists(evaluatedSha, loadedSha)).containsExactly(false, true);

        Node promoted = cluster.killMaster(slot);
        awaitLettuceKnowsTheOwner(slot, promoted);

        assertThatThrownBy(() -> commands.evalsha(evaluatedSha, ScriptOutputType.INTEGER, keys, "x"))
                .isInstanceOf(RedisNoScriptException.class);
        assertThat((Long) commands.evalsha(loadedSha, ScriptOutputType.INTEGER, keys, "y")).isPositive();
        // EVAL is the fallback, and it caches the script on the new master for the next EVALSHA.
        assertThat((Long) commands.eval(evaluated, ScriptOutputType.INTEGER, keys, "z")).isPositive();
        assertThat((Long) commands.evalsha(evaluatedSha, ScriptOutputType.INTEGER, keys, "w")).isPositive();
    }

    // --- f. bad configuration at start-up --------------------------------------------------------

    @Test
    void withNoReachableSeedTheFirstConnectionFailsNamingEachSeedAndItsError() {
        RedisClusterClient unreachable = RedisClusterClient.create(resources, RedisURI.create("redis://:pw@127.0.0.1:1"));
        try {
            assertThatThrownBy(unreachable::connectPubSub)
                    .isInstanceOf(RedisConnectionException.class)
                    .hasMessage("Unable to establish a connection to Redis Cluster")
                    .cause().hasMessageStartingWith("Cannot retrieve cluster partitions from [redis://**@127.0.0.1:1]")
                    .hasMessageContaining("Connection refused");
        } finally {
            unreachable.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void aSeedThatIsNotAClusterNodeFailsTheFirstConnectionWithClusterSupportDisabled() throws Exception {
        try (RedisServer plain = RedisServer.startWithPassword("pw")) {
            RedisClusterClient notACluster = RedisClusterClient.create(resources, RedisURI.create(plain.uri()));
            try {
                assertThatThrownBy(notACluster::connect)
                        .isInstanceOf(RedisConnectionException.class)
                        .hasMessage("Unable to establish a connection to Redis Cluster")
                        .cause().hasMessageContaining("ERR This instance has cluster support disabled");
            } finally {
                notACluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Waits until Lettuce's topology names this master as the slot's owner; says what Lettuce knows if it never does. */
    private void awaitLettuceKnowsTheOwner(int slot, Node owner) {
        await().atMost(Duration.ofSeconds(20)).alias("Lettuce to learn that " + owner + " owns slot " + slot)
                .conditionEvaluationListener(condition -> {
                    if (condition.getRemainingTimeInMS() <= condition.getPollInterval().toMillis()) {
                        LOG.warn("Lettuce's topology while waiting: {}", client.getPartitions());
                    }
                })
                .until(() -> {
                    RedisClusterNode master = client.getPartitions().getMasterBySlot(slot);
                    return master != null && master.getNodeId().equals(owner.id());
                });
    }

    private String channelOnAMasterWithAReplica(String name) {
        return channelOn(master -> cluster.replicaOf(master).isPresent(), name);
    }

    private String channelOn(Predicate<Node> master, String name) {
        for (int i = 0; ; i++) {
            String channel = "streamrpc:{" + name + "-" + i + "}";
            if (master.test(cluster.masterFor(channel))) {
                return channel;
            }
        }
    }

    /** {@code count} channels in distinct slots, all owned by this master. */
    private List<String> channelsOn(Node master, String name, int count) {
        List<String> channels = new ArrayList<>();
        for (int i = 0; channels.size() < count; i++) {
            String channel = "streamrpc:{" + name + "-" + i + "}";
            if (cluster.masterFor(channel).equals(master)) {
                channels.add(channel);
            }
        }
        return channels;
    }

    /** Two broker channel names whose slots collide, as some always do among 16384 slots. */
    private static List<String> twoChannelsInOneSlot(String name) {
        Map<Integer, String> bySlot = new HashMap<>();
        for (int i = 0; ; i++) {
            String channel = "streamrpc:{" + name + "-" + i + "}";
            String earlier = bySlot.putIfAbsent(SlotHash.getSlot(channel), channel);
            if (earlier != null) {
                return List.of(earlier, channel);
            }
        }
    }

    private Node anotherMaster(Node master) {
        return cluster.masters().stream().filter(other -> !other.equals(master)).findFirst().orElseThrow();
    }

    private static String clientThatRanSsubscribe(Node node) {
        return node.commands().clientList().lines().filter(line -> line.contains(" cmd=ssubscribe ")).findFirst().orElse(null);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Everything the cluster pub/sub listener reports: kind, the node's port, channel, message, when. */
    private static final class Recorded extends RedisClusterPubSubAdapter<String, String> {

        record Seen(String kind, int port, String channel, String message, long nanos) {
        }

        private final List<Seen> seen = new CopyOnWriteArrayList<>();
        volatile Consumer<String> onSunsubscribed = channel -> { };

        @Override
        public void smessage(RedisClusterNode node, String channel, String message) {
            add("smessage", node, channel, message);
        }

        @Override
        public void message(RedisClusterNode node, String channel, String message) {
            add("message", node, channel, message);
        }

        @Override
        public void ssubscribed(RedisClusterNode node, String channel, long count) {
            add("ssubscribed", node, channel, null);
        }

        @Override
        public void sunsubscribed(RedisClusterNode node, String channel, long count) {
            add("sunsubscribed", node, channel, null);
            onSunsubscribed.accept(channel);
        }

        private void add(String kind, RedisClusterNode node, String channel, String message) {
            seen.add(new Seen(kind, node == null ? -1 : node.getUri().getPort(), channel, message, System.nanoTime()));
        }

        List<Seen> of(String kind, String channel) {
            return seen.stream().filter(s -> s.kind.equals(kind) && s.channel.equals(channel)).toList();
        }

        List<Integer> ports(String kind, String channel) {
            return of(kind, channel).stream().map(Seen::port).toList();
        }

        List<String> messages(String channel) {
            return of("smessage", channel).stream().map(Seen::message).toList();
        }

        /** The first event of this kind from this node, or null. */
        Seen first(String kind, String channel, int port) {
            return of(kind, channel).stream().filter(s -> s.port == port).findFirst().orElse(null);
        }

        Seen lastMessageBefore(String channel, Seen message) {
            List<Seen> messages = of("smessage", channel);
            return messages.get(messages.indexOf(message) - 1);
        }
    }

    /**
     * SPUBLISHes 0, 1, 2, ... every 10 ms through the cluster connection without waiting for
     * replies, and keeps each outcome: the number of receivers Redis reported, or -1 when the
     * command failed or had no reply within 1 s.
     */
    private final class Publisher {

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Map<Long, Long> receivers = new ConcurrentHashMap<>();
        private final List<CompletableFuture<?>> outcomes = new CopyOnWriteArrayList<>();
        private long next;

        Publisher(String channel) {
            timer.scheduleAtFixedRate(() -> {
                long sequence = next++;
                outcomes.add(connection.async().spublish(channel, Long.toString(sequence)).toCompletableFuture()
                        .orTimeout(1, TimeUnit.SECONDS)
                        .handle((count, failure) -> receivers.put(sequence, failure == null ? count : -1L)));
            }, 0, 10, TimeUnit.MILLISECONDS);
        }

        /** Stops publishing and waits for the outcome of every publication. */
        void stop() throws Exception {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        }

        long failed() {
            return receivers.values().stream().filter(count -> count < 0).count();
        }

        long acknowledgedWithNoReceiver() {
            return receivers.values().stream().filter(count -> count == 0).count();
        }

        /** Publications before this one that Redis acknowledged with a receiver but that never arrived. */
        long acknowledgedButLostBefore(long sequence, List<String> received) {
            return receivers.entrySet().stream().filter(e -> e.getKey() < sequence && e.getValue() > 0)
                    .filter(e -> !received.contains(Long.toString(e.getKey()))).count();
        }
    }
}
