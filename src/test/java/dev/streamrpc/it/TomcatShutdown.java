package dev.streamrpc.it;

import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Undeploying the WAR on Tomcat 10.1 (its file removed from {@code webapps/}): what is queued
 * for a connection, its replies included, goes out before the close, and the close is ours,
 * 1001 {@code Server shutting down}. Run by {@code .ci/tomcat-smoke} after the other Tomcat tests.
 */
class TomcatShutdown {

    private static final int REPLIES = 300;

    private final URI stream = URI.create(System.getProperty("streamrpc.stopping.url", "ws://127.0.0.1:8080/stopping/stream"));
    private final Path war = Path.of(System.getProperty("streamrpc.stopping.war", "stopping.war"));

    @Test
    void undeployingSendsWhatIsQueuedThenOurClose() throws Exception {
        String payload = "{\"pad\":\"" + "x".repeat(30_000) + "\"}";
        try (WsClient reader = WsClient.connectPaused(stream); WsClient marker = WsClient.connect(stream)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REPLIES; i++) {
                ids.add(reader.request("echo", payload));
            }
            await().until(() -> Metrics.value(stream, "streamrpc_rpc_calls_seconds_count{method=\"echo\",outcome=\"ok\"}") >= REPLIES);
            Files.delete(war);   // Tomcat's deployer notices and stops the application
            // The marker has nothing queued, so its close says the application is stopping;
            // the reader's replies are still queued, and the server waits for them.
            assertThat(marker.awaitClose(Duration.ofSeconds(60)).reason()).isEqualTo("Server shutting down");
            reader.resume();
            for (String id : ids) {
                assertThat(reader.next().getString("id")).isEqualTo(id);
            }
            WsClient.Close close = reader.awaitClose();
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("Server shutting down");
        }
    }
}
