package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /health} and {@code /metrics}, and that the metrics follow real traffic, a real slow
 * consumer included.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    private static final String SLOW_CONSUMER_CLOSES = "streamrpc_slow_consumer_closes_total";
    private static final String DROPPED = "streamrpc_messages_dropped_total";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("ops");
    }

    @ArquillianResource
    URL base;

    private URI stream() {
        return Endpoints.stream(base);
    }

    private double metric(String series) throws Exception {
        return Metrics.value(stream(), series);
    }

    @Test
    void healthReportsStatusBrokerAndConnections() throws Exception {
        try (WsClient client = WsClient.connect(stream())) {
            client.call("echo", "{}");
            // Connections of other tests close asynchronously: wait until this one is the only one.
            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> health = Http.get(Http.beside(stream(), "health"));
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
                assertThat(WsClient.parse(health.body())).isEqualTo(WsClient.parse("{\"status\":\"UP\",\"broker\":\"connected\",\"connections\":1}"));
            });
        }
    }

    @Test
    void metricsFollowRealTraffic() throws Exception {
        double echoes = metric("streamrpc_rpc_calls_seconds_count{method=\"echo\",outcome=\"ok\"}");
        double refused = metric("streamrpc_rpc_errors_total{method=\"subscribe\"}");
        double published = metric("streamrpc_messages_published_total");
        double delivered = metric("streamrpc_messages_delivered_total");
        try (WsClient a = WsClient.connect(stream()); WsClient b = WsClient.connect(stream())) {
            a.call("echo", "{}");
            a.call("echo", "{}");
            a.call("subscribe", "{\"channel\":\"Bad\"}");
            a.call("subscribe", "{\"channel\":\"m1\"}");
            b.call("subscribe", "{\"channel\":\"m1\"}");
            b.call("subscribe", "{\"channel\":\"m2\"}");
            b.call("publish", "{\"channel\":\"m1\",\"data\":1}");
            a.next();
            b.next();
            // The gauges also count other tests' connections until their asynchronous close is
            // done, and the delivery count is added after the messages are handed on: wait.
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(metric("streamrpc_connections")).as("connections").isEqualTo(2);
                assertThat(metric("streamrpc_channels")).as("channels").isEqualTo(2);
                assertThat(metric("streamrpc_subscriptions")).as("subscriptions").isEqualTo(3);
                assertThat(metric("streamrpc_rpc_calls_seconds_count{method=\"echo\",outcome=\"ok\"}")).isEqualTo(echoes + 2);
                assertThat(metric("streamrpc_rpc_errors_total{method=\"subscribe\"}")).isEqualTo(refused + 1);
                assertThat(metric("streamrpc_messages_published_total")).isEqualTo(published + 1);
                assertThat(metric("streamrpc_messages_delivered_total")).isEqualTo(delivered + 2);
            });
        }
        HttpResponse<String> scrape = Http.get(Http.beside(stream(), "metrics"));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(scrape.body()).contains("streamrpc_rpc_calls_seconds_bucket{method=\"echo\",outcome=\"ok\",le=")
                .contains("streamrpc_broker_reconnects_total").doesNotContain("m1");
    }

    @Test
    void aSlowConsumerIsCountedOnceAndWhatItsOutboxHeldAsDropped() throws Exception {
        double closes = metric(SLOW_CONSUMER_CLOSES);
        double dropped = metric(DROPPED);
        String publish = "{\"channel\":\"slow\",\"data\":\"" + "x".repeat(16_000) + "\"}";
        try (WsClient slow = WsClient.connectPaused(stream()); WsClient publisher = WsClient.connect(stream())) {
            slow.request("subscribe", "{\"channel\":\"slow\"}");
            // The slow client reads nothing; how much the socket buffers take before its outbox
            // fills is unknown, so publish until the server counts it. The publisher waits for
            // its replies after every 16 publications, so its own outbox never holds more than
            // 16 replies of 16 KB, a quarter of the 1 MiB limit, however slow this machine is.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                publisher.callAll("publish", Collections.nCopies(16, publish));
                return metric(SLOW_CONSUMER_CLOSES) > closes;
            });
            slow.resume();
            assertThat(slow.awaitClose()).isEqualTo(new WsClient.Close(1008, "slow consumer"));
            assertThat(publisher.isClosed()).isFalse();
        }
        assertThat(metric(SLOW_CONSUMER_CLOSES)).isEqualTo(closes + 1);
        assertThat(metric(DROPPED)).isGreaterThan(dropped);
    }

    @Test
    void historyMetricsCountWhatIsHeldRecoveredAndAnnounced() throws Exception {
        double held = metric("streamrpc_history_publications");
        double lostEpoch = metric("streamrpc_history_recoveries_total{result=\"epoch\"}");
        double recovered = metric("streamrpc_history_recoveries_total{result=\"recovered\"}");
        try (WsClient client = WsClient.connect(stream())) {
            String epoch = client.call("subscribe", "{\"channel\":\"h1\",\"position\":true}").getJsonObject("response")
                    .getJsonObject("position").getString("epoch");
            client.call("publish", "{\"channel\":\"h1\",\"data\":1}");
            client.call("publish", "{\"channel\":\"h1\",\"data\":2}");
            client.call("subscribe", "{\"channel\":\"h2\",\"since\":{\"epoch\":\"gone\",\"offset\":1}}");
            client.call("subscribe", "{\"channel\":\"h1\",\"event\":\"x\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":0}}");
            assertThat(metric("streamrpc_history_publications")).isEqualTo(held + 2);
            assertThat(metric("streamrpc_history_recoveries_total{result=\"epoch\"}")).isEqualTo(lostEpoch + 1);
            assertThat(metric("streamrpc_history_recoveries_total{result=\"recovered\"}")).isEqualTo(recovered + 1);
        }
        assertThat(Http.get(Http.beside(stream(), "metrics")).body()).contains("streamrpc_history_gaps_filled_total")
                .contains("streamrpc_history_gaps_announced_total");
    }
}
