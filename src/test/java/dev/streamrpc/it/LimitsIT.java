package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-connection request rate, the idle timeout and the connection limit. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * A burst of 5 and one token every 5 seconds: twelve requests sent at once get exactly 5
     * answers, unless the server took 5 seconds over them.
     */
    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("limits", new Class<?>[0],
                "stream.rate-limit=0.2", "stream.rate-burst=5", "stream.idle-timeout=PT2S", "stream.max-connections=3");
    }

    @ArquillianResource
    URL base;

    private URI stream() {
        return Endpoints.stream(base);
    }

    @Test
    void requestsOverTheRateLimitAreRefusedAndTheConnectionStaysOpen() {
        try (WsClient client = WsClient.connect(stream())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(client.request("echo", "{}"));
            }
            List<String> served = new ArrayList<>();
            for (String id : ids) {
                JsonObject reply = client.replyTo(id);
                if (reply.containsKey("response")) {
                    served.add(id);
                } else {
                    assertThat(reply).isEqualTo(WsClient.parse(
                            "{\"id\":\"" + id + "\",\"method\":\"echo\",\"error\":{\"message\":\"Too many requests\"}}"));
                }
            }
            assertThat(served).containsExactlyElementsOf(ids.subList(0, 5));
            // A token comes back within 5 seconds; refused requests take none.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .until(() -> client.call("echo", "{}").containsKey("response"));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void anIdleConnectionIsClosedButPingsKeepOneOpen() {
        try (WsClient pinging = WsClient.connect(stream())) {
            // Twice: by the time the second idle connection closes, the pinging one, older than
            // it by a whole idle timeout, would have been closed long before, had pings not counted.
            for (int round = 0; round < 2; round++) {
                try (WsClient idle = WsClient.connect(stream())) {
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                        assertThat(pinging.isClosed()).as("the pinging connection is closed").isFalse();
                        pinging.ping();
                        return idle.isClosed();
                    });
                    assertThat(idle.awaitClose().code()).isEqualTo(1001);
                }
            }
            assertThat(pinging.isClosed()).isFalse();
        }
    }

    private int connections() throws Exception {
        return WsClient.parse(Http.get(Http.beside(stream(), "health")).body()).getInt("connections");
    }

    @Test
    void handshakesOverTheConnectionLimitGet503() {
        // Connections of earlier tests close asynchronously, and one still counted would take a
        // place among the three; /health counts without taking tokens.
        await().atMost(WAIT).until(() -> connections() == 0);
        try (WsClient a = WsClient.connect(stream());
             WsClient b = WsClient.connect(stream());
             WsClient c = WsClient.connect(stream())) {
            await().atMost(WAIT).until(() -> connections() == 3);
            assertThat(WsClient.handshakeStatus(stream(), List.of())).isEqualTo(503);
            b.close();
            await().atMost(WAIT).until(() -> WsClient.handshakeStatus(stream(), List.of()) == 101);
            assertThat(a.isClosed()).isFalse();
            assertThat(c.isClosed()).isFalse();
        }
    }
}
