package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One client, a thousand calls in flight at once from four threads: each gets its own reply. */
class ThousandCallsIT {

    private static final int THREADS = 4;
    private static final int CALLS = 1000;

    @Test
    void aThousandConcurrentCallsOnOneClientEachGetTheirOwnReply() throws Exception {
        Map<Integer, CompletableFuture<JsonValue>> calls = new ConcurrentHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try (ServerProcess server = new ServerProcess(Map.of()); StreamClient client = StreamClient.connect(server.uri())) {
            CountDownLatch go = new CountDownLatch(1);
            long start = System.nanoTime();
            for (int thread = 0; thread < THREADS; thread++) {
                int first = thread * (CALLS / THREADS);
                callers.execute(() -> {
                    waitFor(go);
                    for (int n = first; n < first + CALLS / THREADS; n++) {
                        calls.put(n, client.call("echo", Map.of("n", n)));
                    }
                });
            }
            go.countDown();
            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            System.out.printf("%d concurrent calls answered in %d ms%n", CALLS, (System.nanoTime() - start) / 1_000_000);

            assertThat(calls).hasSize(CALLS);
            calls.forEach((n, reply) -> assertThat(reply.join().asJsonObject().getInt("n")).isEqualTo(n));
        } finally {
            callers.shutdownNow();
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
