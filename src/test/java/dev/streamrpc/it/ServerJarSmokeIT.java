package dev.streamrpc.it;

import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar target/streamrpc-server.jar} as a user runs it: a separate process with a
 * setting from the environment, a round trip, then SIGTERM, which closes the client with 1001
 * {@code Server shutting down} (the server's own reason, not the container's).
 */
class ServerJarSmokeIT {

    @Test
    void theJarStartsReadsTheEnvironmentServesRequestsAndStopsCleanlyOnSigterm() throws Exception {
        // Settings come from the environment too, as in Docker.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_MAX_SUBSCRIPTIONS", "1"))) {
            Files.writeString(Path.of("target", "server-startup-ms.txt"), Long.toString(server.startupMillis()));
            try (WsClient client = WsClient.connect(server.uri())) {
                assertThat(client.call("echo", "{\"ping\":true}").toString())
                        .isEqualTo("{\"id\":\"r1\",\"method\":\"echo\",\"response\":{\"ping\":true}}");
                client.call("subscribe", "{\"channel\":\"one\"}");
                assertThat(client.call("subscribe", "{\"channel\":\"two\"}").getJsonObject("error").getJsonObject("errors").getString("channel"))
                        .isEqualTo("Too many subscriptions");
                assertThat(server.terminate()).isTrue(); // SIGTERM
                assertThat(client.awaitClose()).isEqualTo(new WsClient.Close(1001, "Server shutting down"));
            }
            assertThat(server.output()).doesNotContain("Exception");
        }
    }
}
