package dev.streamrpc.it;

import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the server (SIGTERM to the server jar, as Docker and systemd do): new handshakes
 * get 503 while it stops, what is already queued for a connection, its replies included, is
 * sent before the close, and the close is ours: 1001 {@code Server shutting down}.
 */
class ShutdownIT {

    private static final int REPLIES = 600;

    @Test
    void queuedRepliesGoOutBeforeOurCloseAndHandshakesGet503WhileStopping() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_MAX_QUEUED_BYTES", "67108864",
                "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000"));
             WsClient reader = WsClient.connectPaused(server.uri())) {
            URI stream = server.uri();
            String payload = "{\"pad\":\"" + "x".repeat(30_000) + "\"}";
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REPLIES; i++) {
                ids.add(reader.request("echo", payload));
            }
            // 18 MB of replies: far more than socket buffers hold, so most wait in the outbox.
            await().until(() -> Metrics.value(stream, "streamrpc_rpc_calls_seconds_count{method=\"echo\",outcome=\"ok\"}") >= REPLIES);

            server.signalTerminate();
            // The server waits for this connection's queue (up to its grace period) before it goes.
            await().until(() -> WsClient.handshakeStatus(stream, List.of()) == 503);
            reader.resume();
            for (String id : ids) {
                assertThat(reader.next().getString("id")).isEqualTo(id);
            }
            WsClient.Close close = reader.awaitClose();
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("Server shutting down");
            assertThat(server.terminate()).as("the process ends").isTrue();
        }
    }
}
