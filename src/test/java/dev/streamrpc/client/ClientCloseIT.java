package dev.streamrpc.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamClient#close()} with handlers still queued: they all run, in order, then the
 * state listeners hear {@link State#CLOSED}, whichever executor runs them; nothing comes after.
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
     * close() fails every call still waiting; a call started at that moment, registered but
     * without its timeout yet, made close() throw a NullPointerException (leaving the timer
     * thread running) and its future never completed. The race is narrow: many rounds of two
     * threads calling while the client closes.
     */
    @Test
    void callsMadeWhileTheClientClosesAllCompleteAndCloseReturns() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                StreamClient client = StreamClient.connect(SERVER.uri());
                Collection<CompletableFuture<?>> calls = new ConcurrentLinkedQueue<>();
                CountDownLatch started = new CountDownLatch(2);
                Runnable calling = () -> {
                    started.countDown();
                    while (client.state() != State.CLOSED) {
                        calls.add(client.call("echo", Map.of()));
                    }
                };
                List<Future<?>> running = List.of(callers.submit(calling), callers.submit(calling));
                started.await();

                assertThat(CompletableFuture.runAsync(client::close)).succeedsWithin(Duration.ofSeconds(10));
                for (Future<?> caller : running) {
                    caller.get(10, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Messages the client reads after {@code close()}, while the server answers the close frame,
     * are not handed to handlers after CLOSED. The handler is held until the client has read
     * its inbound limit of 256 messages, so the other 144 are still on the way at the close and
     * are read only as the held handlers return. The end of that link is the marker: the client
     * logs it (at DEBUG, through java.util.logging here) once the server has answered the close
     * and everything before the answer has been read.
     */
    @Test
    void messagesReadWhileTheCloseIsAnsweredAreNotHandledAfterClosed() {
        CountDownLatch ended = new CountDownLatch(1);
        Handler closedRecord = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().contains(" closed (")) {
                    ended.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger connectionLog = Logger.getLogger(Connection.class.getName());
        Level level = connectionLog.getLevel();
        connectionLog.setLevel(Level.FINE);
        connectionLog.addHandler(closedRecord);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        CountDownLatch held = new CountDownLatch(1);
        List<Object> log = new CopyOnWriteArrayList<>();
        try (StreamClient client = StreamClient.builder(SERVER.uri()).executor(executor).connect();
             StreamClient publisher = StreamClient.connect(SERVER.uri())) {
            client.onStateChange(log::add);
            client.subscribe("closing-late", message -> {
                SlowHandlerIT.waitFor(held);
                log.add(message.data().asJsonObject().getInt("n"));
            }).join();
            SlowHandlerIT.publishAll(publisher, "closing-late", 400, 10);
            await().until(() -> client.queuedCallbacks() >= 256);

            client.close();
            held.countDown();

            await().until(() -> ended.getCount() == 0 && client.queuedCallbacks() == 0);
            assertThat(log).endsWith(State.CLOSED);
            assertThat(log.subList(0, log.size() - 1)).isEqualTo(IntStream.range(0, log.size() - 1).boxed().toList());
        } finally {
            executor.shutdownNow();
            connectionLog.removeHandler(closedRecord);
            connectionLog.setLevel(level);
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
