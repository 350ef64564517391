package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading is closed with 1008 once its outbox passes
 * {@code stream.max-queued-bytes}; a fast client on the same channel still gets everything.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SlowConsumerIT {

    private static final int MESSAGES = 3000;

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("slow", new Class<?>[0], "stream.max-queued-bytes=65536", "stream.rate-limit=100000");
    }

    @ArquillianResource
    URL base;

    @Test
    void theSlowClientAloneIsClosedWith1008AndTheFastOneMissesNothing() {
        String data = "\"" + "x".repeat(8000) + "\"";
        try (WsClient slow = WsClient.connectPaused(Endpoints.stream(base));
             WsClient fast = WsClient.connect(Endpoints.stream(base));
             WsClient publisher = WsClient.connect(Endpoints.stream(base))) {
            slow.request("subscribe", "{\"channel\":\"firehose\"}");
            fast.call("subscribe", "{\"channel\":\"firehose\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.call("server_info", "{}")
                    .getJsonObject("response").getJsonObject("channels").getJsonObject("firehose").getInt("*") == 2);

            // Far more than the socket buffers and the 64 KiB outbox can hold for a client that reads nothing.
            for (int i = 0; i < MESSAGES; i++) {
                publisher.request("publish", "{\"channel\":\"firehose\",\"event\":\"n\",\"data\":{\"i\":" + i + ",\"pad\":" + data + "}}");
            }
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(fast.next().getJsonObject("data").getInt("i")).isEqualTo(i);
            }

            slow.resume();
            WsClient.Close close = slow.awaitClose();
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("slow consumer");
            assertThat(publisher.call("server_info", "{}").getJsonObject("response").getJsonObject("channels")
                    .getJsonObject("firehose").getInt("*")).isEqualTo(1);
        }
    }
}
