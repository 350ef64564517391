package dev.streamrpc.it;

import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The behaviours that depend on the container's send and close paths, against the same WAR
 * on Tomcat 10.1, where the portable Jakarta send path runs: a slow consumer gets its 1008
 * close frame (not a dropped connection), and the limits hold. {@code .ci/tomcat-smoke}
 * deploys copies of the WAR with these settings and runs this class; it is not part of
 * {@code mvn verify}, which has no Tomcat.
 */
class TomcatBehaviour {

    /** Publications per window of the slow-consumer test (3,000 in all, a multiple of it). */
    private static final int WINDOW = 20;

    /** A WAR with a high request rate (and the default 1 MiB outbox limit). */
    private final URI slow = URI.create(System.getProperty("streamrpc.slow.url", "ws://127.0.0.1:8080/slow/stream"));
    /** A WAR with a burst of 5 requests, almost no refill, and {@code stream.idle-timeout=PT2S}. */
    private final URI limits = URI.create(System.getProperty("streamrpc.limits.url", "ws://127.0.0.1:8080/limits/stream"));

    @Test
    void aSlowConsumerGetsItsCloseFrameAndAFastOneEverything() {
        String data = "\"" + "x".repeat(8000) + "\"";
        try (WsClient paused = WsClient.connectPaused(slow);
             WsClient fast = WsClient.connect(slow);
             WsClient publisher = WsClient.connect(slow)) {
            paused.request("subscribe", "{\"channel\":\"hose\"}");
            fast.call("subscribe", "{\"channel\":\"hose\"}");
            // 24 MB, past the 1 MiB outbox and any socket buffer, in windows: after each the
            // publisher has its replies and the fast client its messages, so neither lags by more
            // than a window however loaded the machine is (all at once, a loaded CI machine let
            // the fast client fall 1 MiB behind, and the server rightly closed it too).
            for (int first = 0; first < 3000; first += WINDOW) {
                publisher.callAll("publish", IntStream.range(first, first + WINDOW)
                        .mapToObj(i -> "{\"channel\":\"hose\",\"data\":{\"i\":" + i + ",\"pad\":" + data + "}}").toList());
                for (int i = first; i < first + WINDOW; i++) {
                    assertThat(fast.next().getJsonObject("data").getInt("i")).isEqualTo(i);
                }
            }
            paused.resume();
            WsClient.Close close = paused.awaitClose();
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("slow consumer");
            assertThat(fast.isClosed()).isFalse();
        }
    }

    @Test
    void aBurstOverTheRateIsRefusedAndTheConnectionStaysOpen() {
        try (WsClient client = WsClient.connect(limits)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(client.request("echo", "{}"));
            }
            int served = 0;
            for (String id : ids) {
                JsonObject reply = client.replyTo(id);
                if (reply.containsKey("response")) {
                    served++;
                } else {
                    assertThat(reply.getJsonObject("error").getString("message")).isEqualTo("Too many requests");
                }
            }
            assertThat(served).isEqualTo(5);
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void anIdleConnectionIsClosedWhilePingsKeepAnotherOpen() {
        try (WsClient idle = WsClient.connect(limits); WsClient pinging = WsClient.connect(limits)) {
            // Tomcat looks for expired sessions every 10 s (its WebSocket container's process
            // period), so the 2 s idle timeout closes a connection 2 to 12 s after its last frame.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                pinging.ping();
                return idle.isClosed();
            });
            assertThat(idle.awaitClose().code()).isEqualTo(1001);
            assertThat(pinging.isClosed()).isFalse();
        }
    }
}
