package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.streamrpc.client.ClientErrorsIT.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ping watchdog: a quiet but healthy connection stays open, a server that stops answering
 * (SIGSTOP: its sockets stay open, so TCP notices nothing) is given up within two intervals.
 */
class WatchdogIT {

    // Long enough that a pong delayed by a busy two-core CI machine is not taken for a dead server.
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @Test
    void aServerThatStopsAnsweringPingsIsGivenUpWithinTwoIntervalsAndRejoinedOnceItAnswersAgain() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of());
             StreamClient client = StreamClient.builder(server.uri()).pingInterval(INTERVAL).timeout(Duration.ofSeconds(30))
                     .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).connect()) {
            // Nothing but pings and pongs for four intervals: the connection stays.
            await().during(INTERVAL.multipliedBy(4)).atMost(INTERVAL.multipliedBy(8)).until(() -> client.state() == State.OPEN);

            server.suspend();
            long stopped = System.nanoTime();
            CompletableFuture<JsonValue> inFlight = client.call("echo", Map.of("n", 1));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> client.state() == State.RECONNECTING);
            long detectedMillis = (System.nanoTime() - stopped) / 1_000_000;
            System.out.printf("dead server noticed after %d ms (ping interval %d ms)%n", detectedMillis, INTERVAL.toMillis());

            // Two intervals, and one more for a busy machine.
            assertThat(detectedMillis).isLessThan(INTERVAL.multipliedBy(3).toMillis());
            assertThat(failure(inFlight, ConnectionLost.class)).hasMessageContaining("no answer to a ping");

            server.resume();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == State.OPEN);
            assertThat(client.call("echo", Map.of("n", 2)).join().toString()).isEqualTo("{\"n\":2}");
        }
    }
}
