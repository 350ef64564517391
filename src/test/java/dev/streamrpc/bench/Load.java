package dev.streamrpc.bench;

import dev.streamrpc.testing.CoreConnection;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * The load generator: the fanout, rpc and idle-connection scenarios against one server, on
 * Jetty's core WebSocket client with a small thread pool, in whichever protocol the server
 * speaks ({@link Wire}). Every result carries the generator's own CPU time, so a reader can
 * tell whether the generator was the bottleneck.
 */
final class Load implements AutoCloseable {

    /** Times sent in frames are nanoseconds since the generator started: small enough for a JavaScript number. */
    private static final long ORIGIN = System.nanoTime();
    private static final byte[] T_KEY = "\"t\":".getBytes(StandardCharsets.US_ASCII);
    /** The data of a fanout message, {"t":…,"pad":"…"}, is about 128 bytes. */
    private static final String PAD = "x".repeat(100);
    private static final String ECHO = "{\"pad\":\"" + PAD + "\"}";
    private static final int HANDSHAKES_IN_FLIGHT = 256;
    /** The id of the subscription a link makes as it opens; other requests use other ids. */
    private static final long OPENING_SUBSCRIBE = 0;

    /**
     * One fanout round; {@code seconds} and {@code perSecond} run from the first publish to the last delivery,
     * {@code acksPerSecond} from the first publish to the last acknowledgement.
     */
    record Fanout(String server, int round, int subscribers, int messages, double offered, long deliveries, long lost,
                  long errors, double seconds, double perSecond, double acksPerSecond, double p50, double p90, double p99,
                  double max, double serverCpuMicrosPerDelivery, double clientCpuSeconds) {

        double clientCpuMicrosPerDelivery() {
            return clientCpuSeconds * 1e6 / Math.max(1, deliveries);
        }
    }

    record Rpc(String server, int round, int connections, double seconds, long calls, long errors, double perSecond,
               double p50, double p99, double clientCpuSeconds) {
    }

    /**
     * Idle subscribed connections, then the subscribe storm on them. Memory is the growth from
     * the server's when idle before (heap: after a full GC; NaN for Node). {@code subscribes}
     * counts the storm's replies, {@code errors} those of them that refused.
     */
    record Idle(String server, int round, int wanted, int connected, double openSeconds, double rssKibPerConnection,
                double heapKibPerConnection, long subscribes, long errors, double stormSeconds, long reached) {

        double openPerSecond() {
            return connected / openSeconds;
        }

        /** Confirmed subscriptions per second. */
        double subscribesPerSecond() {
            return (subscribes - errors) / stormSeconds;
        }
    }

    /**
     * A node letting go of a storm's channels through Redis once every client has closed: from
     * the closing until Redis counts none of them subscribed ({@code left} of {@code channels}
     * when it gave up waiting).
     */
    record LetGo(String server, int round, long channels, long left, double seconds) {

        /** Channels unsubscribed per second. */
        double perSecond() {
            return (channels - left) / seconds;
        }
    }

    /** The error replies of one scenario: how many, and the first one's text, which goes to the log. */
    private static final class ErrorReplies {
        private final AtomicLong count = new AtomicLong();
        private final AtomicReference<String> first = new AtomicReference<>();

        void add(ByteBuffer frame) {
            count.incrementAndGet();
            first.compareAndSet(null, StandardCharsets.UTF_8.decode(frame.duplicate()).toString());
        }

        /** The count; the first error is logged when there was one. */
        long count(String server, String scenario) {
            if (count.get() > 0) {
                System.err.printf("[bench] %s, %s: %d error replies, the first: %s%n", server, scenario, count.get(), first.get());
            }
            return count.get();
        }
    }

    /** Links that opened (and subscribed, when asked), and how long that took. */
    private record Opened(List<Link> links, double seconds) {
        void close() {
            links.forEach(Link::close);
        }
    }

    private final WebSocketCoreClient client;
    private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

    Load() throws Exception {
        // Idle connections must outlive the slowest scenario.
        configuration.setIdleTimeout(Duration.ofMinutes(30));
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("load");
        HttpClient http = new HttpClient();
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(100_000);
        http.setIdleTimeout(0);
        client = new WebSocketCoreClient(http, null);
        client.start();
    }

    static long now() {
        return System.nanoTime() - ORIGIN;
    }

    /**
     * S subscribers of one channel, one publisher; {@code rate} deliveries per second, or 0 for
     * full speed with {@code window} in flight.
     */
    Fanout fanout(Servers.Running subscribeTo, Servers.Running publishTo, int round, int subscribers, int messages, int window,
                  double rate) throws Exception {
        return fanout(subscribeTo, publishTo, round, subscribers, messages, window, rate, FanoutPlan.ONE_CHANNEL);
    }

    /**
     * Warms a server up on fanout rounds laid out by {@code plan}, each of about five seconds at
     * the rate of the round before, until {@link #settled}.
     */
    void warmFanout(Servers.Running server, int subscribers, int window, double seconds, FanoutPlan plan) throws Exception {
        double[] perSecond = {5_000};
        settled(seconds, () -> {
            int messages = (int) Math.max(10, Math.min(seconds, 5) * perSecond[0] / subscribers);
            Fanout round = fanout(server, server, 0, subscribers, messages, window, 0, plan);
            perSecond[0] = round.perSecond();
            return round.serverCpuMicrosPerDelivery();
        });
    }

    /** Warms a server up on rpc rounds of about two seconds until {@link #settled}. */
    void warmRpc(Servers.Running server, int connections, double seconds) throws Exception {
        settled(seconds, () -> rpc(server, 0, connections, Math.min(seconds, 2)).perSecond());
    }

    /** How many times its least time a warm-up may last before {@link #settled} gives up waiting. */
    static final int WARM_UP_LIMIT = 6;

    /**
     * Runs warm-up rounds for {@code seconds} at least, then until two rounds in a row give the
     * same figure within 10 %, for {@link #WARM_UP_LIMIT} times {@code seconds} at most. A JVM reaches its steady
     * state only after several rounds at full load (its JIT still compiling shows as a figure
     * still moving), and the measured rounds are to be of that state.
     */
    private static void settled(double seconds, Callable<Double> round) throws Exception {
        long start = System.nanoTime();
        double before = Double.NaN;
        while (true) {
            double figure = round.call();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= WARM_UP_LIMIT * seconds || elapsed >= seconds && Math.abs(figure - before) <= 0.1 * Math.min(figure, before)) {
                return;
            }
            before = figure;
        }
    }

    /** A fanout round as {@code plan} lays it out. */
    Fanout fanout(Servers.Running subscribeTo, Servers.Running publishTo, int round, int subscribers, int messages, int window,
                  double rate, FanoutPlan plan) throws Exception {
        Histogram latency = new Histogram();
        AtomicLong received = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        ErrorReplies errors = new ErrorReplies();
        Opened subscribed = open(subscribeTo, subscribers, plan::subscribe, new Link.Listener() {
            @Override
            public void reply(Link link, long id, ByteBuffer error) {
                // Subscribers ask nothing but their opening subscription.
            }

            @Override
            public void message(ByteBuffer frame) {
                long now = now();
                latency.record(now - CoreConnection.number(frame, T_KEY));
                received.incrementAndGet();
                last.accumulateAndGet(now, Math::max);
            }
        });
        if (subscribed.links().size() < subscribers) {
            subscribed.close();
            throw new IllegalStateException(subscribeTo.name() + ": only " + subscribed.links().size() + " subscribers of " + subscribers);
        }
        Semaphore inFlight = new Semaphore(window);
        List<Link> publishers = new ArrayList<>();
        for (int p = 0; p < plan.publishers(); p++) {
            publishers.add(openOne(publishTo, (link, id, error) -> {
                if (error != null) {
                    errors.add(error);
                }
                lastAck.accumulateAndGet(now(), Math::max);
                inFlight.release();
            }));
        }
        long cpu0 = Proc.cpuNanos(subscribeTo.pid());
        long self0 = Proc.selfCpuNanos();
        long start = now();
        long interval = rate > 0 ? (long) (1e9 * subscribers / rate) : 0;
        for (int i = 0; i < messages; i++) {
            if (interval > 0) {
                long due = start + i * interval;
                while (now() < due) {
                    LockSupport.parkNanos(Math.min(200_000, due - now()));
                }
            } else {
                inFlight.acquire();
            }
            publishers.get(i % publishers.size()).request(i, "publish",
                    "{\"channel\":\"" + plan.channel(i) + "\",\"data\":{\"t\":" + now() + ",\"pad\":\"" + PAD + "\"}}");
        }
        long expected = plan.expected(subscribers, messages);
        waitFor(() -> received.get() >= expected, 120);
        Thread.sleep(200); // anything delivered twice would arrive now
        double seconds = (last.get() - start) / 1e9;
        long cpu = Proc.cpuNanos(subscribeTo.pid()) - cpu0;
        double self = (Proc.selfCpuNanos() - self0) / 1e9;
        publishers.forEach(Link::close);
        subscribed.close();
        long got = received.get();
        return new Fanout(subscribeTo.name(), round, subscribers, messages, rate, got, expected - got,
                errors.count(subscribeTo.name(), "fanout"), seconds, got / seconds, messages / ((lastAck.get() - start) / 1e9),
                latency.percentileMillis(0.5), latency.percentileMillis(0.9), latency.percentileMillis(0.99),
                latency.percentileMillis(1.0), cpu / 1e3 / Math.max(1, got), self);
    }

    /**
     * Publishes {@code each} messages with this data (a JSON value) to every one of the channels,
     * taking turns, {@code window} in flight on one connection, and returns once every publish is
     * answered: how many were refused.
     */
    long publish(Servers.Running server, List<String> channels, int each, String data, int window) throws Exception {
        int total = channels.size() * each;
        Semaphore inFlight = new Semaphore(window);
        CountDownLatch answered = new CountDownLatch(total);
        ErrorReplies errors = new ErrorReplies();
        Link publisher = openOne(server, (link, id, error) -> {
            if (error != null) {
                errors.add(error);
            }
            inFlight.release();
            answered.countDown();
        });
        for (int i = 0; i < total; i++) {
            inFlight.acquire();
            publisher.request(i, "publish", "{\"channel\":\"" + channels.get(i % channels.size()) + "\",\"data\":" + data + "}");
        }
        boolean all = answered.await(600, TimeUnit.SECONDS);
        publisher.close();
        if (!all) {
            throw new IllegalStateException(server.name() + ": " + answered.getCount() + " of " + total + " publishes unanswered");
        }
        return errors.count(server.name(), "publish");
    }

    /** C connections calling echo back to back for {@code seconds}; a call's id is the time it was sent. */
    Rpc rpc(Servers.Running server, int round, int connections, double seconds) throws Exception {
        Histogram latency = new Histogram();
        AtomicLong calls = new AtomicLong();
        ErrorReplies errors = new ErrorReplies();
        AtomicLong end = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch finished = new CountDownLatch(connections);
        Opened opened = open(server, connections, null, (link, id, error) -> {
            long now = now();
            latency.record(now - id);
            calls.incrementAndGet();
            if (error != null) {
                errors.add(error);
            }
            if (now < end.get()) {
                link.request(now(), "echo", ECHO);
            } else {
                finished.countDown();
            }
        });
        long self0 = Proc.selfCpuNanos();
        long start = now();
        end.set(start + (long) (seconds * 1e9));
        for (Link link : opened.links()) {
            link.request(now(), "echo", ECHO);
        }
        if (!finished.await((long) seconds + 30, TimeUnit.SECONDS)) {
            List<String> closes = opened.links().stream().map(Link::closedBy).filter(java.util.Objects::nonNull).toList();
            throw new IllegalStateException(server.name() + ": " + finished.getCount() + " echo connections stalled; "
                    + closes.size() + " links closed by the server" + (closes.isEmpty() ? "" : ", the first: " + closes.get(0)));
        }
        double elapsed = (now() - start) / 1e9;
        double self = (Proc.selfCpuNanos() - self0) / 1e9;
        opened.close();
        return new Rpc(server.name(), round, connections, elapsed, calls.get(), errors.count(server.name(), "rpc"),
                calls.get() / elapsed,
                latency.percentileMillis(0.5), latency.percentileMillis(0.99), self);
    }

    /**
     * N connections each subscribed to one channel, opened as fast as the server takes them;
     * their memory; then the subscribe storm: every connection subscribes to {@code channelsEach}
     * channels of its own at once, as clients do after a restart; last, one publish on the
     * shared channel shows they are all still there.
     */
    Idle idle(Servers.Running server, int round, int wanted, int channelsEach) throws Exception {
        AtomicLong reached = new AtomicLong();
        AtomicLong replies = new AtomicLong();
        ErrorReplies errors = new ErrorReplies();
        AtomicLong lastReply = new AtomicLong();
        Proc.awaitQuiet(server.pid());
        long heap0 = server.jvm() ? Proc.heapAfterGc(server.pid()) : 0;
        long rss0 = Proc.rss(server.pid());
        Opened opened = open(server, wanted, i -> "{\"channel\":\"idle\"}", new Link.Listener() {
            @Override
            public void reply(Link link, long id, ByteBuffer error) {
                if (error != null) {
                    errors.add(error);
                }
                lastReply.accumulateAndGet(now(), Math::max);
                replies.incrementAndGet();
            }

            @Override
            public void message(ByteBuffer frame) {
                reached.incrementAndGet();
            }
        });
        int connected = opened.links().size();
        Thread.sleep(1000); // what the server allocates lazily after the handshakes is part of a connection's cost
        double rss = (Proc.rss(server.pid()) - rss0) / 1024.0 / Math.max(1, connected);
        double heap = server.jvm() ? (Proc.heapAfterGc(server.pid()) - heap0) / 1024.0 / Math.max(1, connected) : Double.NaN;

        long start = now();
        int i = 0;
        for (Link link : opened.links()) {
            for (int k = 1; k <= channelsEach; k++) {
                link.request(k, "subscribe", "{\"channel\":\"s" + i + "-" + k + "\"}");
            }
            i++;
        }
        long expected = (long) connected * channelsEach;
        waitFor(() -> replies.get() >= expected, 600);
        double stormSeconds = (lastReply.get() - start) / 1e9;

        Link publisher = openOne(server, (link, id, error) -> { });
        publisher.request(1, "publish", "{\"channel\":\"idle\",\"data\":{\"t\":0}}");
        waitFor(() -> reached.get() >= connected, 60);
        publisher.close();
        opened.close();
        return new Idle(server.name(), round, wanted, connected, opened.seconds(), rss, heap, replies.get(),
                errors.count(server.name(), "subscribe storm"),
                stormSeconds, reached.get());
    }

    /**
     * Opens N links with up to 256 handshakes in flight; with {@code subscription} (the payload
     * of link {@code i}'s subscribe), each subscribes and counts as open once that is confirmed.
     * Stops at the first failure (a server or the file-descriptor limit refusing more) and
     * returns what opened.
     */
    private Opened open(Servers.Running server, int wanted, IntFunction<String> subscription, Link.Listener listener)
            throws InterruptedException {
        Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
        CountDownLatch settled = new CountDownLatch(wanted);
        Queue<Link> links = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Link.Listener opening = subscription == null ? listener : new Link.Listener() {
            @Override
            public void reply(Link link, long id, ByteBuffer error) {
                if (id != OPENING_SUBSCRIBE) {
                    listener.reply(link, id, error);
                    return;
                }
                if (error != null) {
                    failure.compareAndSet(null, new IllegalStateException("subscribe refused: "
                            + StandardCharsets.UTF_8.decode(error.duplicate())));
                    link.close();
                } else {
                    links.add(link);
                }
                handshakes.release();
                settled.countDown();
            }

            @Override
            public void message(ByteBuffer frame) {
                listener.message(frame);
            }
        };
        long start = System.nanoTime();
        int attempted = 0;
        while (attempted < wanted && failure.get() == null) {
            handshakes.acquire();
            int index = attempted++;
            Link.open(client, configuration, server.uri(), server.wire(), opening).whenComplete((link, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else if (subscription != null) {
                    link.request(OPENING_SUBSCRIBE, "subscribe", subscription.apply(index));
                    return; // settled by the reply
                } else {
                    links.add(link);
                }
                handshakes.release();
                settled.countDown();
            });
        }
        for (int unattempted = attempted; unattempted < wanted; unattempted++) {
            settled.countDown();
        }
        if (!settled.await(120, TimeUnit.SECONDS)) {
            failure.compareAndSet(null, new IllegalStateException(settled.getCount() + " links unsettled after 120 s"));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            System.err.println("[bench] " + server.name() + ": opened " + links.size() + " of " + wanted + ": " + failure.get());
        }
        return new Opened(List.copyOf(links), seconds);
    }

    /** One link, ready for requests, with no subscription. */
    Link openOne(Servers.Running server, Link.Listener listener) throws Exception {
        return Link.open(client, configuration, server.uri(), server.wire(), listener).get(30, TimeUnit.SECONDS);
    }

    /** Polls a condition of the load (not of a test) until it holds or the time is up. */
    private static void waitFor(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
