package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static dev.streamrpc.client.ClientErrorsIT.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls when the server does not answer: a stopped server (SIGSTOP: its sockets stay open and
 * nothing replies) and a killed one, restarted on the same port.
 */
class ClientOutagesIT {

    @Test
    void aCallWithNoReplyTimesOutAndItsLateReplyChangesNothing() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of());
             StreamClient client = StreamClient.builder(server.uri()).timeout(Duration.ofMillis(500)).pingInterval(Duration.ZERO).connect()) {
            server.suspend();
            long start = System.nanoTime();
            TimeoutException timeout = failure(client.call("echo", Map.of("n", 1)), TimeoutException.class);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            server.resume();

            assertThat(timeout).hasMessage("No reply to echo within PT0.5S");
            assertThat(waitedMillis).isBetween(450L, 5000L);
            // The late reply to n=1 arrives first and is dropped; n=2 gets its own. The resumed
            // server may take longer than the client's timeout to answer again (CI caught it on a
            // busy machine), so a call that times out is made again; any other reply fails the test.
            JsonValue second = await().atMost(Duration.ofSeconds(10)).until(() -> echoUnlessTimedOut(client, 2), Objects::nonNull);
            assertThat(second.toString()).isEqualTo("{\"n\":2}");
            assertThat(client.state()).isEqualTo(State.OPEN);
        }
    }

    /** The reply to {@code echo {n}}, or null if the call timed out. */
    private static JsonValue echoUnlessTimedOut(StreamClient client, int n) {
        return client.call("echo", Map.of("n", n)).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                return null;
            }
            throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
        }).join();
    }

    @Test
    void aCallInFlightWhenTheConnectionDropsFailsAndCallsMadeMeanwhileWaitForTheNextConnectionUpToTheQueueLimit() throws Exception {
        ServerProcess first = new ServerProcess(Map.of());
        int port = first.uri().getPort();
        try (StreamClient client = StreamClient.builder(first.uri()).timeout(Duration.ofSeconds(30)).pingInterval(Duration.ZERO)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).queueLimit(2).connect()) {
            first.suspend();
            CompletableFuture<JsonValue> inFlight = client.call("echo", Map.of("n", 1));
            first.kill();

            assertThat(failure(inFlight, ConnectionLost.class)).hasMessageStartingWith("Connection lost");
            await().until(() -> client.state() == State.RECONNECTING);
            CompletableFuture<JsonValue> second = client.call("echo", Map.of("n", 2));
            CompletableFuture<JsonValue> third = client.call("echo", Map.of("n", 3));
            assertThat(failure(client.call("echo", Map.of("n", 4)), ConnectionLost.class))
                    .hasMessage("Not connected, and 2 calls already wait for the connection");
            assertThat(second).isNotDone();

            try (ServerProcess restarted = new ServerProcess(Map.of(), port)) {
                assertThat(second.join().toString()).isEqualTo("{\"n\":2}");
                assertThat(third.join().toString()).isEqualTo("{\"n\":3}");
                assertThat(client.state()).isEqualTo(State.OPEN);
            }
        } finally {
            first.close();
        }
    }
}
