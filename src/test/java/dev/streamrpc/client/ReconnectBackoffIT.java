package dev.streamrpc.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The reconnect backoff when every connection opens and then drops at once. */
class ReconnectBackoffIT {

    private static final int ATTEMPTS = 14;

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    /**
     * A proxy that takes the upgrade and then drops the connection (or a recovery reply longer
     * than maxMessageLength) made the client come back within its 10 ms minimum delay each time,
     * forever: each handshake reset the backoff. Growing to its 1 s maximum, the delays after
     * the 1st to the 13th drop all stay under 250 ms about twice in 100 000 runs.
     */
    @Test
    void aConnectionThatDropsAsSoonAsItOpensIsRetriedLaterAndLater() throws Exception {
        try (CuttableProxy network = new CuttableProxy(SERVER.uri());
             StreamClient client = StreamClient.builder(network.uri()).pingInterval(Duration.ZERO)
                     .reconnectDelay(Duration.ofMillis(10), Duration.ofSeconds(1)).connect()) {
            network.dropOnceOpened();

            await().atMost(Duration.ofSeconds(60)).until(() -> network.acceptedNanos().size() > ATTEMPTS);

            // Connection 0 is the first one, broken by dropOnceOpened; each later one k is dropped
            // once opened (drop k - 1), and the client then waits before it connects again.
            List<Long> accepted = network.acceptedNanos();
            List<Long> dropped = network.droppedNanos();
            List<Long> waitedMillis = IntStream.range(1, ATTEMPTS).mapToObj(k -> (accepted.get(k + 1) - dropped.get(k - 1)) / 1_000_000).toList();
            assertThat(waitedMillis).as("how long the client waited after each drop").anySatisfy(waited -> assertThat(waited).isGreaterThan(250));
        }
    }
}
