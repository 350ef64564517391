package dev.streamrpc.client;

import dev.streamrpc.testing.RedisServer;
import dev.streamrpc.testing.ServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Protocol version 2 (PROTOCOL.md section 7): the client resumes each channel after the last
 * offset its handlers received, so they see every message once and in order, and is told when
 * that cannot be done.
 */
class ClientRecoveryIT {

    /**
     * How far each publisher of the cut test may run ahead of the client at first; each of the
     * three restores lets it run {@link #HEADROOM} further, so that it publishes while the two
     * patterns are subscribed again even if it was waiting at the cut (the client hands nothing
     * on until both replies are in). 3 × (3,000 + 3 × 500) numbers are 27,000 publications,
     * within the history of 30,000 the test gives the server, and within what one subscribe may
     * recover (1,000 by default: a client that fell behind by more on a loaded CI machine was
     * rightly told "limit" and missed the rest).
     */
    private static final int AHEAD = 3_000;
    private static final int HEADROOM = 500;

    @Test
    void everyMessageCarriesItsOffsetInTheChannelsStream() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of()); StreamClient client = StreamClient.connect(server.uri())) {
            Inbox inbox = new Inbox();
            client.subscribe("numbered", inbox).join();
            for (int n = 1; n <= 3; n++) {
                client.publish("numbered", "n" + n, n).join();
            }
            inbox.awaitLog("n1", "n2", "n3");
            assertThat(inbox.messages).extracting(message -> message.offset().orElse(-1)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aConnectionCutWhilePublishingGoesOnResumesWhereItLeftOffAcrossTwoPatternsOnceAndInOrder() throws Exception {
        Torrent torrent = new Torrent(3);
        Inbox notices = new Inbox();
        // A few hundred publications go out while the connection is cut; with the default
        // history of 100 a resubscribe would find some trimmed. This test is about merging.
        // The publishers stay at most `allowed` numbers each beyond what the client has handled:
        // unchecked, the socket buffers between server and client held about 100,000 messages
        // at a cut on a loaded machine, far beyond what the history keeps.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_HISTORY_SIZE", "30000", "STREAM_HISTORY_MAX_RECOVERY", "30000",
                "STREAM_RATE_LIMIT", "100000", "STREAM_RATE_BURST", "100000"));
             CuttableProxy network = new CuttableProxy(server.uri());
             StreamClient client = StreamClient.builder(network.uri()).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).connect();
             StreamClient publisher = StreamClient.connect(server.uri())) {
            // Two patterns, one handler: what each pattern recovers is merged with the live messages in offset order.
            client.subscribe("torrent", "*.even", torrent).join().onLost(notices.lost());
            client.subscribe("torrent", "*.odd", torrent).join().onLost(notices.lost());
            // Three publishers go on throughout, so that the channel is busy while the two
            // patterns are subscribed again: publications arrive between their replies and after.
            AtomicIntegerArray published = new AtomicIntegerArray(torrent.last.length());
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicInteger allowed = new AtomicInteger(AHEAD);
            List<Thread> publishers = new ArrayList<>();
            for (int stream = 0; stream < published.length(); stream++) {
                int s = stream;
                publishers.add(new Thread(() -> {
                    ArrayDeque<CompletableFuture<?>> unanswered = new ArrayDeque<>();
                    while (publishing.get()) {
                        if (torrent.behind(s, published.get(s)) >= allowed.get()) {
                            LockSupport.parkNanos(1_000_000);   // until the client catches up
                            continue;
                        }
                        if (unanswered.size() == 4) {
                            unanswered.poll().join();   // a few in flight, so the channel always has some queued
                        }
                        unanswered.add(publishNumbered(publisher, s, published.get(s)));
                        published.incrementAndGet(s);
                    }
                    unanswered.forEach(CompletableFuture::join);
                }));
            }
            publishers.forEach(Thread::start);
            try {
                await().until(() -> torrent.count.get() >= 30);
                for (int cut = 0; cut < 3; cut++) {   // each resubscribe is one chance for a race to show
                    network.cut();
                    // The client notices the cut once it has handled what it had already read.
                    await().atMost(Duration.ofSeconds(30)).until(() -> client.state() == State.RECONNECTING);
                    // Publications the client has not had while cut off (the publishers may have
                    // been stopped at what they are allowed already, which is plenty).
                    await().until(() -> IntStream.range(0, published.length()).map(s -> torrent.behind(s, published.get(s))).sum() >= 150);
                    allowed.addAndGet(HEADROOM);
                    network.restore();
                    await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == State.OPEN);
                    int openAt = torrent.count.get();
                    await().until(() -> torrent.count.get() >= openAt + 300);
                }
            } finally {
                publishing.set(false);
                for (Thread thread : publishers) {
                    thread.join();
                }
            }
            // Each publisher's last message comes after all of its others.
            await().atMost(Duration.ofSeconds(20)).until(() -> IntStream.range(0, published.length()).allMatch(s -> torrent.last.get(s) == published.get(s) - 1));
            List<Message> messages = torrent.messages();
            for (int stream = 0; stream < published.length(); stream++) {
                int s = stream;
                assertThat(messages).filteredOn(message -> message.data().asJsonObject().getInt("s") == s)
                        .extracting(message -> message.data().asJsonObject().getInt("n"))
                        .as("publisher %d", s).containsExactlyElementsOf(IntStream.range(0, published.get(s)).boxed().toList());
            }
            assertThat(messages).hasSize(total(published));
            assertThat(notices.log).noneMatch(entry -> entry.startsWith("lost"));
            assertThat(messages).extracting(message -> message.offset().orElse(-1)).isSorted().doesNotHaveDuplicates();
        }
    }

    /**
     * The client used to schedule its reconnect before it let go of the dropped link's
     * recoveries; a reconnect quick enough to restore first then had its recovery dropped, and
     * what it brought back was lost without a notice. Two real seams make that order certain
     * instead of a matter of microseconds: a logging handler (the client logs through
     * {@code System.Logger}, here java.util.logging) holds the thread that ends the link at
     * its "lost" record until the client is open again (at most 3 s), and the network delays
     * what the server sends by 300 ms, so the restore's reply comes well after that.
     */
    @Test
    void aReconnectFasterThanTheEndOfTheDroppedLinkStillRecoversWhatWasPublishedMeanwhile() throws Exception {
        AtomicReference<StreamClient> watched = new AtomicReference<>();
        Handler holdAtLost = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StreamClient client = watched.get();
                if (client != null && record.getMessage().contains(" lost (")) {
                    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (client.state() != State.OPEN && System.nanoTime() < until) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(Connection.class.getName());
        log.addHandler(holdAtLost);
        Inbox inbox = new Inbox();
        try (ServerProcess server = new ServerProcess(Map.of());
             CuttableProxy network = new CuttableProxy(server.uri());
             StreamClient client = StreamClient.builder(network.uri()).reconnectDelay(Duration.ofMillis(1), Duration.ofMillis(1)).connect();
             StreamClient publisher = StreamClient.connect(server.uri())) {
            client.subscribe("meanwhile", inbox).join().onLost(inbox.lost());
            publisher.publish("meanwhile", "before", 0).join();
            inbox.awaitLog("before");
            watched.set(client);

            network.latencyToClient(Duration.ofMillis(300));
            network.cut();
            await().until(() -> client.state() == State.RECONNECTING);
            for (int n = 1; n <= 3; n++) {
                publisher.publish("meanwhile", "away-" + n, n).join();
            }
            network.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == State.OPEN);
            publisher.publish("meanwhile", "after", 4).join();

            inbox.awaitLog("before", "away-1", "away-2", "away-3", "after");
        } finally {
            log.removeHandler(holdAtLost);
        }
    }

    /**
     * A handler for tens of thousands of numbered messages: unlike {@link Inbox}, which copies
     * its list on every message, it costs the same for each, so the client keeps up with the
     * publishers and notices a cut at once.
     */
    private static final class Torrent implements Consumer<Message> {
        final AtomicInteger count = new AtomicInteger();
        /** The last number received from each publisher, -1 before any. */
        final AtomicIntegerArray last;
        private final List<Message> received = new ArrayList<>();   // guarded by itself

        Torrent(int publishers) {
            last = new AtomicIntegerArray(publishers);
            for (int s = 0; s < publishers; s++) {
                last.set(s, -1);
            }
        }

        @Override
        public void accept(Message message) {
            synchronized (received) {
                received.add(message);
            }
            last.set(message.data().asJsonObject().getInt("s"), message.data().asJsonObject().getInt("n"));
            count.incrementAndGet();
        }

        /** How many of the {@code published} numbers of publisher {@code s} have not been handled yet. */
        int behind(int s, int published) {
            return published - (last.get(s) + 1);
        }

        List<Message> messages() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }
    }

    /** Publishes number {@code n} of publisher {@code s} as event {@code n.even} or {@code n.odd}, after a {@code n.other} no pattern matches. */
    private static CompletableFuture<?> publishNumbered(StreamClient publisher, int s, int n) {
        publisher.publish("torrent", "n.other", Map.of("s", s, "n", -1));
        return publisher.publish("torrent", n % 2 == 0 ? "n.even" : "n.odd", Map.of("s", s, "n", n));
    }

    private static int total(AtomicIntegerArray published) {
        int sum = 0;
        for (int s = 0; s < published.length(); s++) {
            sum += published.get(s);
        }
        return sum;
    }

    @Test
    void aServerRestartedInPlaceHandsOverWhatWasPublishedMeanwhileOnceAndInOrder() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("recovery-pw")) {
            Map<String, String> environment = Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri());
            ServerProcess first = new ServerProcess(environment);
            int port = first.uri().getPort();
            Inbox inbox = new Inbox();
            try (ServerProcess other = new ServerProcess(environment);
                 StreamClient client = StreamClient.builder(first.uri()).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).connect();
                 StreamClient publisher = StreamClient.connect(other.uri())) {
                client.subscribe("news", inbox).join().onLost(inbox.lost());
                publisher.publish("news", "before", 0).join();
                inbox.awaitLog("before");

                first.kill();
                await().until(() -> client.state() == State.RECONNECTING);
                for (int n = 1; n <= 5; n++) {
                    publisher.publish("news", "while-away-" + n, n).join();
                }
                try (ServerProcess second = new ServerProcess(environment, port)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> client.state() == State.OPEN);
                    publisher.publish("news", "after", 6).join();
                    inbox.awaitLog("before", "while-away-1", "while-away-2", "while-away-3", "while-away-4", "while-away-5", "after");
                }
            } finally {
                first.close();
            }
        }
    }

    @Test
    void aRedisRestartThatLosesTheHistoryIsAnnouncedAndDeliveryGoesOnInTheNewEpoch() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword("epoch-pw");
             ServerProcess server = new ServerProcess(Map.of("STREAM_BROKER", "redis", "STREAM_REDIS_URI", redis.uri()));
             StreamClient client = StreamClient.connect(server.uri());
             StreamClient publisher = StreamClient.connect(server.uri())) {
            Inbox inbox = new Inbox();
            client.subscribe("prices", inbox).join().onLost(inbox.lost());
            publisher.publish("prices", "one", 1).join();
            publisher.publish("prices", "two", 2).join();
            inbox.awaitLog("one", "two");

            redis.kill();
            redis.start();      // no persistence: the history is gone
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> publisher.publish("prices", "after", 3).join() != null);

            inbox.awaitLog("one", "two", "lost: epoch", "after");
            assertThat(client.state()).isEqualTo(State.OPEN);
        }
    }
}
