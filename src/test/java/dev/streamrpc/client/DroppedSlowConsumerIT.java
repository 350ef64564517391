package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.streamrpc.client.SlowHandlerIT.publishAll;
import static dev.streamrpc.client.SlowHandlerIT.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler too slow for the server: it closes the connection as a slow consumer, and the
 * client comes back by itself once its handler has caught up, telling it what it may have
 * lost. (ClientRecoveryIT: with version 2 and history, nothing is lost.)
 */
class DroppedSlowConsumerIT {

    @Test
    void aHandlerTooSlowForTheServerIsDroppedAsASlowConsumerAndTheClientComesBackByItself() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        Inbox inbox = new Inbox();
        List<State> states = new CopyOnWriteArrayList<>();
        // A small outbox, no history (what version 2 recovers is in ClientRecoveryIT), a publisher without a rate limit.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_MAX_QUEUED_BYTES", "65536", "STREAM_HISTORY_SIZE", "0",
                "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000"));
             StreamClient client = StreamClient.builder(server.uri()).inboundLimit(4)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).connect();
             StreamClient publisher = StreamClient.connect(server.uri())) {
            client.onStateChange(states::add);
            client.subscribe("torrent", message -> {
                waitFor(blocked);
                inbox.accept(message);
            }).join().onLost(inbox.lost());

            // About 24 MB: far more than the socket buffers and the outbox hold for a client that reads
            // nothing. The server has given up on the client by the time it has taken the last one.
            publishAll(publisher, "torrent", 3000, 8000);
            // The client learns of the close once its handler has caught up with what was read before it.
            blocked.countDown();

            await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(State.OPEN));
            await().until(() -> channels(publisher).containsKey("torrent"));
            publisher.publish("torrent", "marker", Map.of("n", -1)).join();

            List<String> log = inbox.awaitLast("marker");
            String reason = inbox.messages.get(0).offset().isPresent() ? "off" : Subscriptions.UNSUPPORTED;
            assertThat(log).endsWith("lost: " + reason, "marker");
            List<Integer> numbers = inbox.messages.stream().map(m -> m.data().asJsonObject().getInt("n")).filter(n -> n >= 0).toList();
            assertThat(numbers).isSorted().doesNotHaveDuplicates().hasSizeLessThan(3000);
            assertThat(states).containsExactly(State.RECONNECTING, State.OPEN);
        }
    }

    static JsonObject channels(StreamClient client) {
        return client.call("server_info", null).join().asJsonObject().getJsonObject("channels");
    }
}
