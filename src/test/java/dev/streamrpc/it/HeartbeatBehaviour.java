package dev.streamrpc.it;

import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.RawFrameClient;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server pings: a quiet peer that answers them stays connected however long the idle timeout
 * has passed, and one that answers nothing is closed with 1001 {@code ping timeout}. Run once per
 * send path: {@link HeartbeatIT} (Jetty's core session) and {@link JakartaHeartbeatIT} (the
 * portable Jakarta one), and on Tomcat by {@code .ci/tomcat-smoke} ({@link TomcatHeartbeat}).
 */
abstract class HeartbeatBehaviour {

    /** Pings every second; the idle timeout, four seconds, would close a quiet peer were it not for them. */
    static final String[] SETTINGS = {"stream.ping-interval=PT1S", "stream.idle-timeout=PT4S"};
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The {@code /stream} endpoint of a server deployed with {@link #SETTINGS}. */
    abstract URI stream();

    @Test
    void aQuietPeerThatAnswersPingsOutlivesTheIdleTimeout() throws Exception {
        try (RawFrameClient quiet = new RawFrameClient(stream())) {
            // Eight pings answered take longer than the idle timeout twice over; the peer sends nothing else.
            await().atMost(WAIT).until(() -> quiet.connection().pings() >= 8 || quiet.connection().closed().isDone());
            assertThat(quiet.connection().closed()).as("closed by the server").isNotDone();
            quiet.sendText("{\"id\":1,\"method\":\"echo\",\"payload\":{\"still\":\"here\"}}".getBytes(StandardCharsets.UTF_8));
            assertThat(quiet.nextText()).isEqualTo("{\"id\":1,\"method\":\"echo\",\"response\":{\"still\":\"here\"}}");
        }
    }

    @Test
    void aPeerThatAnswersNoPingIsClosedWithPingTimeout() throws Exception {
        double before = Metrics.value(stream(), "streamrpc_ping_timeout_closes_total");
        try (RawFrameClient gone = new RawFrameClient(stream())) {
            gone.connection().stopAnsweringPings();
            CloseStatus status = gone.awaitClose(WAIT);
            assertThat(status.getCode()).isEqualTo(1001);
            assertThat(status.getReason()).isEqualTo("ping timeout");
            assertThat(gone.connection().pings()).isPositive();
        }
        assertThat(Metrics.value(stream(), "streamrpc_ping_timeout_closes_total")).isEqualTo(before + 1);
    }
}
