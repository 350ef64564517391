package dev.streamrpc.pubsub;

import dev.streamrpc.api.ConnectionChannels;

import java.util.ArrayList;
import java.util.List;

/**
 * In-process benchmark of channel membership: N connections subscribe to one channel, one
 * publication reaches them all, then they all unsubscribe. Prints the time of each phase;
 * with O(1) joins and leaves the per-member cost stays flat as N grows.
 *
 * <pre>mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/bench.cp) dev.streamrpc.pubsub.SubscribeBenchmark [200000]</pre>
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
        SocketsManager manager = InProcessHub.start();
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
