package dev.streamrpc.bench;

import dev.streamrpc.testing.CoreConnection;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator: the fanout, rpc and conns scenarios against a URL, on Jetty's core
 * WebSocket client with a small thread pool. Every result carries the generator's own CPU
 * time, so a reader can tell whether the generator was the bottleneck.
 */
final class Load implements AutoCloseable {

    private static final byte[] T_KEY = "\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final String PAD = "x".repeat(100);

    record Fanout(String server, int subscribers, int messages, double offered, long deliveries, long lost, double seconds,
                  double perSecond, double p50, double p90, double p99, double max, double serverCpuMicrosPerDelivery,
                  double clientCpuSeconds) {
    }

    record Rpc(String server, int connections, double seconds, long calls, double perSecond, double p50, double p99,
               double clientCpuSeconds) {
    }

    record Conns(String server, int wanted, int connected, long reached, double rssKibPerConnection,
                 double heapKibPerConnection) {
    }

    private final WebSocketCoreClient client;
    private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

    Load() throws Exception {
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

    CoreConnection connect(URI uri, java.util.function.Consumer<ByteBuffer> onText) throws Exception {
        CoreConnection conn = new CoreConnection(onText);
        CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uri, conn);
        // Idle connections must outlive the slowest scenario (19,000 connections take a while to open).
        request.setConfiguration(configuration);
        client.connect(request).get(30, TimeUnit.SECONDS);
        return conn;
    }

    /** S subscribers, one publisher; {@code rate} deliveries per second, or 0 for full speed with {@code window} in flight. */
    Fanout fanout(String server, URI subscribeTo, URI publishTo, long pid, int subscribers, int messages, int window, double rate)
            throws Exception {
        Histogram latency = new Histogram();
        AtomicLong received = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch subscribed = new CountDownLatch(subscribers);
        List<CoreConnection> conns = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            boolean[] ready = {false};
            CoreConnection conn = connect(subscribeTo, frame -> {
                if (!ready[0]) {
                    ready[0] = true;
                    subscribed.countDown();
                    return;
                }
                long now = System.nanoTime();
                latency.record(now - CoreConnection.number(frame, T_KEY));
                received.incrementAndGet();
                last.accumulateAndGet(now, Math::max);
            });
            conn.send("{\"id\":0,\"method\":\"subscribe\",\"payload\":{\"channel\":\"bench\"}}");
            conns.add(conn);
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("subscribers did not all subscribe");
        }
        Semaphore inFlight = new Semaphore(window);
        CoreConnection publisher = connect(publishTo, frame -> inFlight.release());
        conns.add(publisher);
        long cpu0 = Proc.cpuNanos(pid);
        long self0 = Proc.selfCpuNanos();
        long start = System.nanoTime();
        long interval = rate > 0 ? (long) (1e9 * subscribers / rate) : 0;
        for (int i = 0; i < messages; i++) {
            if (interval > 0) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(Math.min(200_000, due - System.nanoTime()));
                }
            } else {
                inFlight.acquire();
            }
            publisher.send("{\"id\":" + i + ",\"method\":\"publish\",\"payload\":{\"channel\":\"bench\",\"data\":{\"t\":"
                    + System.nanoTime() + ",\"pad\":\"" + PAD + "\"}}}");
        }
        long expected = (long) subscribers * messages;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        double seconds = (last.get() - start) / 1e9;
        long cpu = Proc.cpuNanos(pid) - cpu0;
        double self = (Proc.selfCpuNanos() - self0) / 1e9;
        conns.forEach(CoreConnection::close);
        long got = received.get();
        return new Fanout(server, subscribers, messages, rate, got, expected - got, seconds, got / seconds,
                latency.percentileMillis(0.5), latency.percentileMillis(0.9), latency.percentileMillis(0.99),
                latency.percentileMillis(1.0), cpu / 1e3 / Math.max(1, got), self);
    }

    /** C connections doing echo back to back for {@code seconds}. */
    Rpc rpc(String server, URI uri, int connections, double seconds) throws Exception {
        Histogram latency = new Histogram();
        AtomicLong calls = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<CoreConnection> conns = new ArrayList<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        String payload = ",\"method\":\"echo\",\"payload\":{\"pad\":\"" + PAD + "\"}}";
        long self0 = Proc.selfCpuNanos();
        for (int c = 0; c < connections; c++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            CoreConnection[] self = new CoreConnection[1];
            self[0] = connect(uri, frame -> {
                long now = System.nanoTime();
                latency.record(now - CoreConnection.number(frame, ID_KEY));
                calls.incrementAndGet();
                if (now < end) {
                    self[0].send("{\"id\":" + System.nanoTime() + payload);
                } else {
                    finished.complete(null);
                }
            });
            conns.add(self[0]);
        }
        long start = System.nanoTime();
        for (CoreConnection conn : conns) {
            conn.send("{\"id\":" + System.nanoTime() + payload);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get((long) seconds + 30, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double self = (Proc.selfCpuNanos() - self0) / 1e9;
        conns.forEach(CoreConnection::close);
        return new Rpc(server, connections, elapsed, calls.get(), calls.get() / elapsed,
                latency.percentileMillis(0.5), latency.percentileMillis(0.99), self);
    }

    /** N idle subscribed connections: memory per connection, and whether one publish reaches them all. */
    Conns conns(String server, URI uri, long pid, int wanted) throws Exception {
        long rss0 = Proc.rss(pid);
        long heap0 = Proc.heapAfterGc(pid);
        AtomicLong reached = new AtomicLong();
        List<CoreConnection> conns = new ArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(wanted);
        Semaphore opening = new Semaphore(256);
        for (int i = 0; i < wanted; i++) {
            opening.acquire();
            boolean[] ready = {false};
            CoreConnection conn;
            try {
                conn = connect(uri, frame -> {
                    if (!ready[0]) {
                        ready[0] = true;
                        subscribed.countDown();
                        opening.release();
                    } else {
                        reached.incrementAndGet();
                    }
                });
            } catch (Exception e) {
                System.err.println("conns: stopped at " + i + " connections: " + e);
                opening.release();
                break;
            }
            conn.send("{\"id\":0,\"method\":\"subscribe\",\"payload\":{\"channel\":\"idle\"}}");
            conns.add(conn);
        }
        int connected = conns.size();
        if (!subscribed.await(120, TimeUnit.SECONDS)) {
            System.err.println("conns: " + subscribed.getCount() + " subscriptions unanswered");
        }
        Thread.sleep(1000);
        long rss = Proc.rss(pid) - rss0;
        long heap = Proc.heapAfterGc(pid) - heap0;
        CoreConnection publisher = connect(uri, frame -> { });
        publisher.send("{\"id\":1,\"method\":\"publish\",\"payload\":{\"channel\":\"idle\",\"data\":{\"t\":0}}}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (reached.get() < connected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        publisher.close();
        conns.forEach(CoreConnection::close);
        return new Conns(server, wanted, connected, reached.get(), rss / 1024.0 / Math.max(1, connected),
                heap / 1024.0 / Math.max(1, connected));
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
