package dev.streamrpc.it;

import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * About a minute of mixed load on loopback against the server jar: clients that call, subscribe,
 * unsubscribe, publish, receive, and come and go. It reports what it did and shows that the
 * server's heap after a full GC returns to its baseline. Not part of {@code mvn verify}:
 * run it with {@code mvn verify -Dit.test=SoakIT} ({@code -Dsoak.seconds=N} to change the length).
 */
class SoakIT {

    private static final int CLIENTS = 40;

    @Test
    void mixedLoadLeavesNothingBehind() throws Exception {
        long seconds = Long.getLong("soak.seconds", 60);
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000"))) {
            // Warm up a little so that the baseline includes loaded classes and JIT output.
            runLoad(server, 5, new AtomicLong(), new AtomicLong(), new AtomicLong());
            long baseline = heapAfterGc(server);

            AtomicLong connections = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            AtomicLong received = new AtomicLong();
            runLoad(server, seconds, connections, calls, received);

            await().atMost(Duration.ofSeconds(10)).until(() -> WsClient.parse(
                    Http.get(Http.beside(server.uri(), "health")).body()).getInt("connections") == 0);
            long after = heapAfterGc(server);
            System.out.printf("SoakIT: %d s, %d connections, %d calls answered, %d messages received; "
                            + "heap after GC %.1f MiB at baseline, %.1f MiB after%n",
                    seconds, connections.get(), calls.get(), received.get(), baseline / 1048576.0, after / 1048576.0);
            assertThat(calls.get()).isPositive();
            assertThat(received.get()).isPositive();
            assertThat(after).as("heap after the soak, against the baseline").isLessThan(baseline + baseline / 4 + 8 * 1048576L);
        }
    }

    private static void runLoad(ServerProcess server, long seconds, AtomicLong connections, AtomicLong calls,
                                AtomicLong received) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(c);
            clients.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    try (WsClient client = WsClient.connect(server.uri())) {
                        connections.incrementAndGet();
                        for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
                            String channel = "soak" + random.nextInt(8);
                            switch (random.nextInt(5)) {
                                case 0 -> client.call("echo", "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(random.nextInt(500)) + "\"}");
                                case 1 -> client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"e.*\"}");
                                case 2 -> client.call("unsubscribe", "{\"channel\":\"" + channel + "\",\"event\":\"e.*\"}");
                                case 3 -> client.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"e." + i + "\",\"data\":" + i + "}");
                                default -> client.call("server_info", "{}");
                            }
                            calls.incrementAndGet();
                            while (client.nextTextWithin(Duration.ZERO) != null) {
                                received.incrementAndGet();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get(seconds + 60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    /** Heap in use after a full GC of the server process, from its own /metrics. */
    private static long heapAfterGc(ServerProcess server) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(server.pid()), "GC.run").inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        String scrape = Http.get(Http.beside(server.uri(), "metrics")).body();
        Matcher heap = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)$").matcher(scrape);
        long used = 0;
        while (heap.find()) {
            used += (long) Double.parseDouble(heap.group(1));
        }
        return used;
    }
}
