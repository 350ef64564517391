package dev.streamrpc.pubsub;

import dev.streamrpc.api.ConnectionChannels;

import java.util.ArrayList;
import java.util.List;

/**
 * In-process benchmark of what a channel costs in the heap: C connections each subscribe to K
 * channels of their own, one pattern each (what a subscribe storm creates). Prints the heap's
 * growth per channel between full collections: the hub's channel with its one member, the
 * connection's record of it, and the memory broker's stream.
 *
 * <pre>mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -XX:+UseSerialGC -cp target/classes:target/test-classes:$(cat target/bench.cp) dev.streamrpc.pubsub.ChannelMemoryBenchmark [10000 10]</pre>
 */
public final class ChannelMemoryBenchmark {

    private ChannelMemoryBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int each = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        SocketsManager manager = InProcessHub.start();
        List<ConnectionChannels> registered = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            registered.add(manager.register(new RecordingSubscriber("c" + i)));
        }
        long before = heapAfterCollections();
        for (int i = 0; i < connections; i++) {
            for (int k = 0; k < each; k++) {
                registered.get(i).subscribe("c" + i + "-" + k, "*").toCompletableFuture().join();
            }
        }
        long after = heapAfterCollections();
        int channels = connections * each;
        System.out.printf("%,d channels, one member each: %,.0f bytes of heap per channel%n", channels, (after - before) / (double) channels);
        manager.stop();
    }

    private static long heapAfterCollections() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
