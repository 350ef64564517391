package dev.streamrpc.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster of three masters and three replicas, each a {@code redis-server} 7
 * on free loopback ports (client port and cluster bus port), created with
 * {@code redis-cli --cluster create --cluster-replicas 1}, without persistence and with a
 * password. Its node timeout is short ({@value #NODE_TIMEOUT_MILLIS} ms) so that a killed
 * master's replica takes over within a few seconds.
 *
 * <p>Every change the fixture makes ({@link #startWithPassword}, {@link #killMaster},
 * {@link #moveSlot}, {@link #restartKilledNodes}) returns only once the cluster has settled:
 * every live node reports {@code cluster_state:ok}, all of them agree on who owns every slot
 * and who replicates whom, no slot is half-migrated and every live replica's link to its
 * master is up. Administration goes through one plain
 * (non-cluster) Lettuce connection per node, so the fixture never depends on the cluster
 * client under test.
 *
 * <p>The programs are {@code redis-server} and {@code redis-cli} from Debian's
 * {@code redis-server} package: {@code $REDIS_SERVER} and {@code $REDIS_CLI} when set, else the PATH.
 */
public final class RedisCluster implements AutoCloseable {

    /** {@code cluster-node-timeout}: how long a master may be unreachable before it is failed over. */
    public static final int NODE_TIMEOUT_MILLIS = 1000;
    private static final int NODES = 6;
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final int MIGRATE_BATCH = 100;

    private final String password;
    private final Path root;
    private final List<Node> nodes = new ArrayList<>();
    private final RedisClient admin;

    private RedisCluster(String password, Path root) {
        this.password = password;
        this.root = root;
        this.admin = RedisClient.create();
        // Fail fast instead of queueing while a node is down: the fixture polls.
        admin.setOptions(ClientOptions.builder().autoReconnect(false).build());
    }

    /** Starts six nodes, creates the cluster and returns once it has settled. */
    public static RedisCluster startWithPassword(String password) throws IOException, InterruptedException {
        RedisCluster cluster = new RedisCluster(password, Files.createTempDirectory("redis-cluster"));
        try {
            cluster.startNodes();
            cluster.create();
            cluster.awaitSettled("the new cluster to settle", cluster::ownersAreKnown);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startNodes() throws IOException {
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < NODES; i++) {
            int port = distinctFreePort(taken);
            Node node = new Node(port, distinctFreePort(taken), Files.createDirectory(root.resolve(Integer.toString(port))));
            node.start();
            nodes.add(node);
        }
    }

    private static int distinctFreePort(Set<Integer> taken) throws IOException {
        int port;
        do {
            port = RedisProcess.freePort();
        } while (!taken.add(port));
        return port;
    }

    private void create() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RedisProcess.cli(), "-a", password, "--no-auth-warning", "--cluster", "create"));
        nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = root.resolve("create.log");
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!cli.waitFor(60, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new IllegalStateException("redis-cli --cluster create did not finish: " + Files.readString(log));
        }
        if (cli.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
        }
        for (Node node : nodes) {
            node.id = node.commands().clusterMyId();
        }
    }

    /** The seed list for {@code stream.redis.uri}: every node, {@code redis://:password@127.0.0.1:port}, comma-separated. */
    public String uri() {
        return nodes.stream().map(Node::uri).collect(Collectors.joining(","));
    }

    /** Every node's URI, dead ones included. */
    public List<String> uris() {
        return nodes.stream().map(Node::uri).toList();
    }

    public String password() {
        return password;
    }

    /** The hash slot of a key or shard channel, as Redis computes it (hash tags included). */
    public int slot(String key) {
        return Math.toIntExact(anyLiveNode().commands().clusterKeyslot(key));
    }

    /** The master that owns this slot now. */
    public Node masterFor(int slot) {
        return node(anyLiveNode().view().ownerOf(slot));
    }

    /** The master that owns this key's (or shard channel's) slot now. */
    public Node masterFor(String key) {
        return masterFor(slot(key));
    }

    /** The masters that are alive, in start order. */
    public List<Node> masters() {
        View view = anyLiveNode().view();
        return nodes.stream().filter(Node::alive).filter(node -> view.masters().contains(node.id)).toList();
    }

    /** The live replica of this master, if it has one. */
    public Optional<Node> replicaOf(Node master) {
        View view = anyLiveNode().view();
        return nodes.stream().filter(Node::alive).filter(node -> master.id.equals(view.masterOf(node.id))).findFirst();
    }

    /**
     * Kills (SIGKILL) the master that owns this slot and returns its replica once that replica
     * has been promoted and the cluster has settled again.
     */
    public Node killMaster(int slot) throws InterruptedException {
        Node master = masterFor(slot);
        Node replica = replicaOf(master).orElseThrow(() -> new IllegalStateException(master + " has no live replica to take over"));
        master.kill();
        awaitSettled("replica " + replica + " to take over slot " + slot + " from " + master,
                () -> anyLiveNode().view().ownerOf(slot).equals(replica.id));
        return replica;
    }

    /**
     * Kills (SIGKILL) the master that owns this slot and its replica, so that nothing can take
     * its slots over, and returns once every live node holds that master as failed.
     */
    public Node killShard(int slot) {
        Node master = masterFor(slot);
        Node replica = replicaOf(master).orElseThrow(() -> new IllegalStateException(master + " has no live replica"));
        try {
            replica.kill();
            master.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        await("the other nodes to hold " + master + " as failed").atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().filter(Node::alive).allMatch(node -> node.commands().clusterInfo().contains("cluster_state:fail")));
        return master;
    }

    /**
     * Moves one slot and its keys to another master, the way {@code redis-cli --cluster reshard}
     * moves each slot: IMPORTING on the target, MIGRATING on the source, MIGRATE the keys in
     * batches, then SETSLOT NODE on the target, the source and every other master (target first,
     * so the new owner's bumped config epoch wins). Returns once the cluster has settled.
     */
    public void moveSlot(int slot, Node target) {
        Node source = masterFor(slot);
        if (source.equals(target)) {
            throw new IllegalArgumentException("slot " + slot + " is already on " + target);
        }
        target.commands().clusterSetSlotImporting(slot, source.id);
        source.commands().clusterSetSlotMigrating(slot, target.id);
        for (List<String> keys = source.commands().clusterGetKeysInSlot(slot, MIGRATE_BATCH); !keys.isEmpty();
                keys = source.commands().clusterGetKeysInSlot(slot, MIGRATE_BATCH)) {
            source.commands().migrate("127.0.0.1", target.port(), 0, 5_000, MigrateArgs.Builder.keys(keys).auth(password));
        }
        target.commands().clusterSetSlotNode(slot, target.id);
        source.commands().clusterSetSlotNode(slot, target.id);
        for (Node other : masters()) {
            if (!other.equals(source) && !other.equals(target)) {
                other.commands().clusterSetSlotNode(slot, target.id);
            }
        }
        awaitSettled("slot " + slot + " to move from " + source + " to " + target,
                () -> anyLiveNode().view().ownerOf(slot).equals(target.id));
    }

    /**
     * Starts every killed node again on its port. Each finds in its nodes.conf that it was a
     * master, learns that its replica took its slots, and becomes that node's replica: the
     * cluster is back to three masters with a replica each (the roles have swapped).
     */
    public void restartKilledNodes() throws IOException {
        for (Node node : nodes) {
            if (!node.alive()) {
                node.start();
            }
        }
        awaitSettled("the restarted nodes to rejoin as replicas", this::ownersAreKnown);
    }

    private void awaitSettled(String what, Callable<Boolean> andAlso) {
        await(what).atMost(SETTLE).pollInterval(Duration.ofMillis(50)).until(() -> settled() && andAlso.call());
    }

    private boolean ownersAreKnown() {
        View view = anyLiveNode().view();
        return view.masters().size() == NODES / 2 && view.replicaOf.size() == NODES / 2;
    }

    /**
     * Every live node: cluster state ok, the same view of slot owners and replication, no slot
     * migrating or importing, no live node suspected of failure, and (for replicas) a master link up.
     */
    private boolean settled() {
        View first = null;
        Set<String> live = nodes.stream().filter(Node::alive).map(node -> node.id).collect(Collectors.toSet());
        for (Node node : nodes) {
            if (!node.alive()) {
                continue;
            }
            RedisCommands<String, String> commands = node.commands();
            if (!commands.clusterInfo().contains("cluster_state:ok")) {
                return false;
            }
            View view = node.view();
            if (view.openSlots() || !Collections.disjoint(view.suspected(), live)) {
                return false;
            }
            if (first == null) {
                first = view;
            } else if (!first.sameTopology(view)) {
                return false;
            }
            if (view.replicaOf().containsKey(node.id) && !commands.info("replication").contains("master_link_status:up")) {
                return false;
            }
        }
        return first != null;
    }

    private Node anyLiveNode() {
        return nodes.stream().filter(Node::alive).findFirst().orElseThrow(() -> new IllegalStateException("no live node"));
    }

    private Node node(String id) {
        return nodes.stream().filter(node -> id.equals(node.id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node " + id));
    }

    /** Kills every node, closes the admin connections and deletes the nodes' directories. */
    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            node.kill();
        }
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        RedisProcess.delete(root);
    }

    /** One node of the cluster. Its identity is its port; its id is the cluster node id. */
    public final class Node {

        private final int port;
        private final int busPort;
        private final Path dir;
        private volatile RedisProcess process;
        private volatile String id;
        private StatefulRedisConnection<String, String> connection;

        private Node(int port, int busPort, Path dir) {
            this.port = port;
            this.busPort = busPort;
            this.dir = dir;
        }

        /** Starts the process; a restarted node finds its identity and last topology in its nodes.conf. */
        private void start() throws IOException {
            process = RedisProcess.start(port, dir, List.of("--cluster-enabled", "yes",
                    "--cluster-port", Integer.toString(busPort), "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
                    // A replica always tries to take over, however long its link was down.
                    "--cluster-replica-validity-factor", "0",
                    // Replicas stay with the master they were given, so the topology is predictable.
                    "--cluster-allow-replica-migration", "no",
                    // A replica's full sync starts at once, not after the default 5 s wait for more replicas.
                    "--repl-diskless-sync-delay", "0",
                    "--requirepass", password, "--masterauth", password));
        }

        public int port() {
            return port;
        }

        /** The cluster node id (40 hex characters). */
        public String id() {
            return id;
        }

        /** {@code redis://:password@127.0.0.1:port} */
        public String uri() {
            return "redis://:" + password + "@127.0.0.1:" + port;
        }

        public boolean alive() {
            return process.alive();
        }

        /** A plain connection to this node alone, for checks such as {@code PUBSUB SHARDNUMSUB}. */
        public synchronized RedisCommands<String, String> commands() {
            if (connection == null) {
                connection = admin.connect(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                        .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(5)).build());
            }
            return connection.sync();
        }

        private View view() {
            return View.parse(commands().clusterNodes());
        }

        private synchronized void kill() throws InterruptedException {
            if (connection != null) {
                connection.close();
                connection = null;
            }
            process.kill();
        }

        @Override
        public String toString() {
            return "127.0.0.1:" + port + (id == null ? "" : " (" + id.substring(0, 8) + ")");
        }
    }

    /**
     * One node's {@code CLUSTER NODES}: the owner of every slot, which master each healthy
     * replica follows, the nodes it suspects or knows to have failed, and whether any slot is
     * migrating or importing.
     */
    private record View(String[] owners, Set<String> ownerships, Map<String, String> replicaOf, Set<String> suspected,
                        boolean openSlots) {

        static View parse(String clusterNodes) {
            String[] owners = new String[16384];
            Set<String> ownerships = new TreeSet<>();
            Map<String, String> replicaOf = new TreeMap<>();
            Set<String> suspected = new HashSet<>();
            boolean openSlots = false;
            // id host:port@bus flags master-id ping-sent pong-received epoch link-state slot...
            for (String line : clusterNodes.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 8) {
                    continue;
                }
                String id = fields[0];
                Set<String> flags = Set.of(fields[2].split(","));
                if (flags.contains("fail") || flags.contains("fail?")) {
                    suspected.add(id);
                } else if (flags.contains("slave")) {
                    replicaOf.put(id, fields[3]);
                }
                for (int i = 8; i < fields.length; i++) {
                    if (fields[i].startsWith("[")) {
                        openSlots = true;
                        continue;
                    }
                    String[] range = fields[i].split("-");
                    Arrays.fill(owners, Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1]) + 1, id);
                    ownerships.add(id + " " + fields[i]);
                }
            }
            return new View(owners, ownerships, replicaOf, suspected, openSlots);
        }

        String ownerOf(int slot) {
            if (owners[slot] == null) {
                throw new IllegalStateException("slot " + slot + " has no owner");
            }
            return owners[slot];
        }

        Set<String> masters() {
            return Arrays.stream(owners).filter(Objects::nonNull).collect(Collectors.toSet());
        }

        String masterOf(String replica) {
            return replicaOf.get(replica);
        }

        boolean sameTopology(View other) {
            return ownerships.equals(other.ownerships) && replicaOf.equals(other.replicaOf);
        }
    }
}
