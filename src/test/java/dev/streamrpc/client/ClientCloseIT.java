package dev.streamrpc.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamClient#close()} with handlers still queued: they all run, in order, then the
 * state listeners hear {@link State#CLOSED}, whichever executor runs them.
 */
class ClientCloseIT {

    private static final int MESSAGES = 200;     // more than HandlerQueue's turn of 64, within the inbound limit of 256

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void handlersQueuedAtCloseRunThenClosedIsToldAndTheOwnThreadsEnd() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<Object> log = closeWithEverythingQueued(StreamClient.builder(SERVER.uri()), threads);

        assertThat(log).containsExactlyElementsOf(expected());
        await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void handlersQueuedAtCloseRunThenClosedIsToldOnTheApplicationsExecutor() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Object> log = closeWithEverythingQueued(StreamClient.builder(SERVER.uri()).executor(executor), ConcurrentHashMap.newKeySet());

            assertThat(log).containsExactlyElementsOf(expected());
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Holds the first handler until all {@link #MESSAGES} are queued behind it, closes the
     * client, lets the handlers go and returns, once they and CLOSED have run, what handlers and
     * state listener saw; {@code threads} gets the threads they ran on.
     */
    private static List<Object> closeWithEverythingQueued(StreamClient.Builder builder, Set<Thread> threads) {
        CountDownLatch held = new CountDownLatch(1);
        List<Object> log = new CopyOnWriteArrayList<>();
        StreamClient client = builder.connect();
        try (StreamClient publisher = StreamClient.connect(SERVER.uri())) {
            client.onStateChange(state -> {
                threads.add(Thread.currentThread());
                log.add(state);
            });
            client.subscribe("closing", message -> {
                threads.add(Thread.currentThread());
                SlowHandlerIT.waitFor(held);
                log.add(message.data().asJsonObject().getInt("n"));
            }).join();
            SlowHandlerIT.publishAll(publisher, "closing", MESSAGES, 10);
            await().until(() -> client.queuedCallbacks() >= MESSAGES);

            client.close();
            held.countDown();

            await().untilAsserted(() -> assertThat(log).hasSize(MESSAGES + 1));
            return log;
        } finally {
            client.close();
        }
    }

    /** Every message in order, then CLOSED. */
    private static List<Object> expected() {
        return Stream.<Object>concat(IntStream.range(0, MESSAGES).boxed(), Stream.of(State.CLOSED)).toList();
    }
}
