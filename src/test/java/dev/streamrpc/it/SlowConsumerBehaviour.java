package dev.streamrpc.it;

import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.WsClient;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading is closed with 1008 once its outbox passes
 * {@code stream.max-queued-bytes}; a fast client on the same channel still gets everything.
 * Run once per send path: {@link SlowConsumerIT} (Jetty's core session) and
 * {@link JakartaSendPathIT} (the portable Jakarta one).
 */
abstract class SlowConsumerBehaviour {

    /** Publications per window; the publisher and the fast client each catch up after every window. */
    private static final int WINDOW = 16;
    private static final String PAD = "x".repeat(2000);

    /** 512 KiB: 256 messages of 2 KB, sixteen times what the fast client may lag behind. */
    static final String[] SETTINGS = {"stream.max-queued-bytes=524288", "stream.rate-limit=100000"};

    @ArquillianResource
    URL base;

    private URI stream() {
        return Endpoints.stream(base);
    }

    private int subscribers(WsClient client) {
        return client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels")
                .getJsonObject("firehose").getInt("*");
    }

    private static String publication(int i) {
        return "{\"channel\":\"firehose\",\"event\":\"n\",\"data\":{\"i\":" + i + ",\"pad\":\"" + PAD + "\"}}";
    }

    @Test
    void theSlowClientAloneIsClosedWith1008AndTheFastOneMissesNothing() {
        try (WsClient slow = WsClient.connectPaused(stream());
             WsClient fast = WsClient.connect(stream());
             WsClient publisher = WsClient.connect(stream())) {
            slow.request("subscribe", "{\"channel\":\"firehose\"}");
            fast.call("subscribe", "{\"channel\":\"firehose\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> subscribers(publisher) == 2);

            // The slow client reads nothing, and how much the socket buffers hold for it is not
            // known: publish until the server counts it as a slow consumer. After each window the
            // publisher has its replies and the fast client its messages, in order, so neither
            // ever lags by more than one window, however loaded this machine is.
            int[] published = {0};
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(1)).until(() -> {
                int first = published[0];
                publisher.callAll("publish", IntStream.range(first, first + WINDOW).mapToObj(SlowConsumerBehaviour::publication).toList());
                published[0] += WINDOW;
                for (int i = first; i < published[0]; i++) {
                    assertThat(fast.next().getJsonObject("data").getInt("i")).isEqualTo(i);
                }
                return Metrics.value(stream(), "streamrpc_slow_consumer_closes_total") == 1;
            });

            slow.resume();
            assertThat(slow.awaitClose()).isEqualTo(new WsClient.Close(1008, "slow consumer"));
            await().atMost(Duration.ofSeconds(20)).until(() -> subscribers(publisher) == 1);
            // The fast client is still open and subscribed: the next publication reaches it next.
            publisher.call("publish", publication(published[0]));
            assertThat(fast.next().getJsonObject("data").getInt("i")).isEqualTo(published[0]);
            assertThat(fast.isClosed()).isFalse();
        }
    }
}
