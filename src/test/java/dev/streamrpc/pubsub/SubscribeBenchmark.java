package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.memory.MemoryBroker;
import dev.streamrpc.testing.TestSettings;
import jakarta.json.bind.JsonbBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * In-process benchmark of channel membership: N connections subscribe to one channel, one
 * publication reaches them all, then they all unsubscribe. Prints the time of each phase;
 * with O(1) joins and leaves the per-member cost stays flat as N grows.
 *
 * <pre>java -cp target/test-classes:$(cat target/bench.cp) dev.streamrpc.pubsub.SubscribeBenchmark [200000]</pre>
 */
public final class SubscribeBenchmark {

    private SubscribeBenchmark() {
    }

    public static void main(String[] args) {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (int size : new int[] {members / 4, members / 2, members}) {
            run(size);   // the smaller sizes warm up, and show the growth
        }
    }

    private static void run(int members) {
        PendingBytes pending = new PendingBytes(1L << 30);
        SocketsManager manager = new SocketsManager();
        manager.broker = new MemoryBroker(pending, 100, java.time.Duration.ofMinutes(5), 1 << 26);
        manager.jsonb = JsonbBuilder.create();
        manager.settings = TestSettings.of();
        manager.pending = pending;
        manager.start(event -> { }, new ChannelAuthorizer() { });
        List<ConnectionChannels> connections = new ArrayList<>(members);
        List<RecordingSubscriber> subscribers = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber("m" + i);
            subscribers.add(subscriber);
            connections.add(manager.register(subscriber));
        }
        long start = System.nanoTime();
        for (ConnectionChannels connection : connections) {
            connection.subscribe("crowded", "*").toCompletableFuture().join();
        }
        long subscribed = System.nanoTime();
        manager.publish("crowded", "e", 1).toCompletableFuture().join();
        long published = System.nanoTime();
        for (ConnectionChannels connection : connections) {
            connection.unsubscribe("crowded", "*");
        }
        long unsubscribed = System.nanoTime();
        long reached = subscribers.stream().filter(s -> s.received.size() == 1).count();
        System.out.printf("members %,d: subscribe %.0f ms (%.2f µs each), one publication to all %.0f ms (reached %,d), "
                        + "unsubscribe %.0f ms (%.2f µs each)%n",
                members, (subscribed - start) / 1e6, (subscribed - start) / 1e3 / members, (published - subscribed) / 1e6, reached,
                (unsubscribed - published) / 1e6, (unsubscribed - published) / 1e3 / members);
    }
}
