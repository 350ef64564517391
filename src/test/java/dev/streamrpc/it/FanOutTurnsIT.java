package dev.streamrpc.it;

import dev.streamrpc.client.StreamClient;
import dev.streamrpc.testing.ServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channels share the server's fan-out threads (one per core). A channel whose backlog keeps a
 * thread busy for a long time (here: costly patterns, within the limits, and a flood of
 * publications) used to keep it until the backlog was gone, so with more such channels than
 * threads every other channel's deliveries waited for the first backlog to end (70 s in a
 * review). Busy channels now take turns, and a quiet channel's publication goes out while
 * they are still working through theirs: with 256 patterns, after 0.5 s (a batch of each)
 * against 5.2 s without the turns, once a busy channel had sent all of its 384.
 */
class FanOutTurnsIT {

    /** Costly patterns held on each busy channel. */
    private static final int PATTERNS = 128;
    /** Publications queued on each busy channel: six batches, a few seconds of one core. */
    private static final int BACKLOG = 384;

    @Test
    void aQuietChannelIsServedWhileBusyChannelsStillWorkThroughTheirBacklogs() throws Exception {
        int busy = Runtime.getRuntime().availableProcessors() + 1;   // one more than the server's fan-out threads
        AtomicIntegerArray received = new AtomicIntegerArray(busy);
        AtomicReference<int[]> whenQuietArrived = new AtomicReference<>();
        List<StreamClient> clients = new ArrayList<>();
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_RATE_LIMIT", "1000000", "STREAM_RATE_BURST", "1000000"))) {
            for (int c = 0; c < busy; c++) {
                StreamClient subscriber = StreamClient.connect(server.uri());
                clients.add(subscriber);
                List<CompletableFuture<?>> subscribed = new ArrayList<>();
                for (int k = 0; k < PATTERNS; k++) {
                    // Distinct, and each about 15,000 steps of the matcher against an event of a's:
                    // a star, a run of a's the event has, then a b it has not.
                    String pattern = "*" + "a".repeat(100 + k / 8) + "b" + "c".repeat(k % 8) + "*";
                    subscribed.add(subscriber.subscribe("busy-" + c, pattern, message -> { }));
                }
                subscribed.forEach(CompletableFuture::join);
                // Counted apart: a pattern that matches everything, held with those, would spare the matcher.
                StreamClient observer = StreamClient.connect(server.uri());
                clients.add(observer);
                int channel = c;
                observer.subscribe("busy-" + c, message -> received.incrementAndGet(channel)).join();
            }
            StreamClient quiet = StreamClient.connect(server.uri());
            clients.add(quiet);
            quiet.subscribe("quiet", message -> {
                int[] counts = new int[busy];
                for (int c = 0; c < busy; c++) {
                    counts[c] = received.get(c);
                }
                whenQuietArrived.set(counts);
            }).join();
            // Its publishes are answered as their channels fan them out: seconds, on a loaded machine.
            StreamClient publisher = StreamClient.builder(server.uri()).timeout(Duration.ofSeconds(60)).connect();
            clients.add(publisher);

            List<CompletableFuture<?>> published = new ArrayList<>();
            for (int n = 0; n < BACKLOG; n++) {   // round the channels, so that their backlogs grow together
                for (int c = 0; c < busy; c++) {
                    // Each event its own, so that no match is shared between publications.
                    published.add(publisher.publish("busy-" + c, "a".repeat(250) + n, n));
                }
            }
            // Sent behind them on the same connection, so the server takes it once they are all
            // queued (a publish is answered only once its channel fanned it out, so nothing waits).
            publisher.publish("quiet", "now", 0);

            await().atMost(Duration.ofSeconds(60)).until(() -> whenQuietArrived.get() != null);
            assertThat(IntStream.of(whenQuietArrived.get()).boxed().toList())
                    .as("messages of each busy channel received when the quiet one's arrived").allMatch(count -> count < BACKLOG);
            // And the busy channels lost nothing by taking turns.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (int c = 0; c < busy; c++) {
                    if (received.get(c) < BACKLOG) {
                        return false;
                    }
                }
                return true;
            });
            published.forEach(CompletableFuture::join);
        } finally {
            clients.forEach(StreamClient::close);
        }
    }
}
