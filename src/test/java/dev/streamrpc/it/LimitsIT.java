package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-connection request rate, the idle timeout and the connection limit. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LimitsIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("limits", new Class<?>[0],
                "stream.rate-limit=5", "stream.rate-burst=5", "stream.idle-timeout=PT1.5S", "stream.max-connections=3");
    }

    @ArquillianResource
    URL base;

    @Test
    void requestsOverTheRateLimitAreRefusedAndTheConnectionStaysOpen() throws Exception {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(client.request("echo", "{}"));
            }
            int served = 0;
            int refused = 0;
            for (String id : ids) {
                JsonObject reply = client.replyTo(id);
                if (reply.containsKey("response")) {
                    served++;
                } else {
                    assertThat(reply).isEqualTo(WsClient.parse(
                            "{\"id\":\"" + id + "\",\"method\":\"echo\",\"error\":{\"message\":\"Too many requests\"}}"));
                    refused++;
                }
            }
            assertThat(served).isBetween(5, 6);
            assertThat(refused).isEqualTo(12 - served);
            Thread.sleep(400); // two tokens come back
            assertThat(client.call("echo", "{}").containsKey("response")).isTrue();
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void anIdleConnectionIsClosedButPingsKeepOneOpen() throws Exception {
        try (WsClient idle = WsClient.connect(Endpoints.stream(base)); WsClient pinging = WsClient.connect(Endpoints.stream(base))) {
            for (int i = 0; i < 10; i++) {
                pinging.ping();
                Thread.sleep(300);
            }
            assertThat(idle.awaitClose().code()).isEqualTo(1001);
            assertThat(pinging.isClosed()).isFalse();
        }
    }

    @Test
    void handshakesOverTheConnectionLimitGet503() {
        try (WsClient a = WsClient.connect(Endpoints.stream(base));
             WsClient b = WsClient.connect(Endpoints.stream(base));
             WsClient c = WsClient.connect(Endpoints.stream(base))) {
            await().until(() -> a.call("server_info", "{}").getJsonObject("response").getInt("connections") == 3);
            assertThat(WsClient.handshakeStatus(Endpoints.stream(base), List.of())).isEqualTo(503);
            b.close();
            await().until(() -> WsClient.handshakeStatus(Endpoints.stream(base), List.of()) == 101);
            assertThat(c.isClosed()).isFalse();
        }
    }
}
