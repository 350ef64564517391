package dev.streamrpc.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that cannot keep up: the client stops reading rather than queueing without bound,
 * and loses nothing while the server can hold what is not read (DroppedSlowConsumerIT: when it
 * cannot).
 */
class SlowHandlerIT {


    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void aBlockedHandlerHoldsAtMostTheInboundLimitAndThenGetsEveryMessageInOrder() {
        CountDownLatch blocked = new CountDownLatch(1);
        List<Integer> received = new CopyOnWriteArrayList<>();
        try (StreamClient client = StreamClient.builder(SERVER.uri()).inboundLimit(8).connect();
             StreamClient publisher = StreamClient.connect(SERVER.uri())) {
            client.subscribe("flood", message -> {
                waitFor(blocked);
                received.add(message.data().asJsonObject().getInt("n"));
            }).join();

            publishAll(publisher, "flood", 500, 1000);     // about 500 kB: within what the server queues for one connection

            await().until(() -> client.queuedCallbacks() >= 8);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> client.queuedCallbacks() <= 8);
            blocked.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 500);
            assertThat(received).containsExactlyElementsOf(IntStream.range(0, 500).boxed().toList());
            assertThat(client.state()).isEqualTo(State.OPEN);
        }
    }

    /** Publishes {@code count} numbered messages of about {@code size} bytes and waits until the server has taken them all. */
    /**
     * Publishes {@code count} numbered messages, at most four unanswered at a time: each reply
     * echoes its publication, and with all of them asked at once the publisher's own replies
     * could fill its outbox on a loaded machine (DroppedSlowConsumerIT allows 64 KiB a
     * connection, eight replies of 8 KB), and the server dropped the publisher as well.
     */
    static void publishAll(StreamClient publisher, String channel, int count, int size) {
        String pad = "x".repeat(size);
        ArrayDeque<CompletableFuture<?>> unanswered = new ArrayDeque<>();
        for (int n = 0; n < count; n++) {
            if (unanswered.size() == 4) {
                unanswered.poll().join();
            }
            unanswered.add(publisher.publish(channel, "n", Map.of("n", n, "pad", pad)));
        }
        unanswered.forEach(CompletableFuture::join);
    }

    static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
