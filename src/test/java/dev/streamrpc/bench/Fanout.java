package dev.streamrpc.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The fan-out probe: S subscribers on one channel, one publisher sending M messages of about
 * 128 bytes of data, at most W publishes in flight. It prints deliveries per second, messages
 * lost, delivery latency percentiles, its own CPU time and, given the server's pid, the
 * server's CPU time per delivery. JDK WebSocket clients only, so it runs from the test classes.
 *
 * <pre>java -cp target/test-classes dev.streamrpc.bench.Fanout ws://localhost:8080/stream [S] [M] [W] [serverPid] [publisherUrl]</pre>
 *
 * With {@code publisherUrl}, the publisher connects to another server (sharing a broker),
 * so latency is cross-node.
 */
public final class Fanout {

    private static final long BUCKET_NANOS = 50_000;          // 50 µs histogram buckets
    private static final int BUCKETS = 200_000;               // up to 10 s

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lastReceive = new AtomicLong();
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        long pid = args.length > 4 ? Long.parseLong(args[4]) : -1;
        URI publisherUri = args.length > 5 ? URI.create(args[5]) : uri;
        new Fanout().run(uri, publisherUri, subscribers, messages, window, pid);
    }

    private void run(URI uri, URI publisherUri, int subscriberCount, int messages, int window, long serverPid) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> subscribers = new ArrayList<>();
        List<CompletableFuture<Void>> subscribed = new ArrayList<>();
        for (int i = 0; i < subscriberCount; i++) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            subscribed.add(ready);
            WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, new Subscriber(ready)).join();
            socket.sendText("{\"id\":1,\"method\":\"subscribe\",\"payload\":{\"channel\":\"bench\"}}", true).join();
            subscribers.add(socket);
        }
        CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Semaphore inFlight = new Semaphore(window);
        WebSocket publisher = http.newWebSocketBuilder().buildAsync(publisherUri, new Publisher(inFlight)).join();
        String pad = "x".repeat(100);
        long serverCpuBefore = cpuNanos(serverPid);
        long clientCpuBefore = clientCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            inFlight.acquire();
            publisher.sendText("{\"id\":" + i + ",\"method\":\"publish\",\"payload\":{\"channel\":\"bench\",\"data\":{\"t\":"
                    + System.nanoTime() + ",\"pad\":\"" + pad + "\"}}}", true).join();
        }
        long expected = (long) subscriberCount * messages;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // stragglers, so that "lost" means lost
        long elapsed = lastReceive.get() - start;
        long serverCpu = cpuNanos(serverPid) - serverCpuBefore;
        long clientCpu = clientCpuNanos() - clientCpuBefore;
        long got = received.get();

        StringBuilder report = new StringBuilder();
        report.append(String.format("fanout subscribers=%d messages=%d window=%d%n", subscriberCount, messages, window));
        report.append(String.format("deliveries=%d lost=%d seconds=%.3f deliveries_per_second=%.0f%n",
                got, expected - got, elapsed / 1e9, got / (elapsed / 1e9)));
        report.append(String.format("latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f%n",
                percentile(0.50), percentile(0.90), percentile(0.99), percentile(1.0)));
        report.append(String.format("client_cpu_seconds=%.2f%n", clientCpu / 1e9));
        if (serverPid > 0) {
            report.append(String.format("server_cpu_seconds=%.2f server_cpu_us_per_delivery=%.3f%n",
                    serverCpu / 1e9, serverCpu / 1e3 / Math.max(1, got)));
        }
        System.out.print(report);
        publisher.abort();
        subscribers.forEach(WebSocket::abort);
    }

    private double percentile(double p) {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            total += histogram.get(i);
        }
        long target = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += histogram.get(i);
            if (seen >= target && histogram.get(i) > 0) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return Double.NaN;
    }

    private static long clientCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of a process from /proc, in nanoseconds (clock ticks of 10 ms). */
    private static long cpuNanos(long pid) throws Exception {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /** Counts deliveries; reads the send time from the text without parsing the JSON. */
    private final class Subscriber implements WebSocket.Listener {
        private final CompletableFuture<Void> ready;
        private final StringBuilder partial = new StringBuilder();

        Subscriber(CompletableFuture<Void> ready) {
            this.ready = ready;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                partial.append(data);
                return null;
            }
            CharSequence text = data;
            if (partial.length() > 0) {
                text = partial.append(data).toString();
                partial.setLength(0);
            }
            if (!ready.isDone()) {
                ready.complete(null);
                return null;
            }
            long now = System.nanoTime();
            int at = indexOf(text, "\"t\":") + 4;
            long sent = 0;
            for (int i = at; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
                sent = sent * 10 + (text.charAt(i) - '0');
            }
            histogram.incrementAndGet((int) Math.min(BUCKETS, (now - sent) / BUCKET_NANOS));
            received.incrementAndGet();
            lastReceive.accumulateAndGet(now, Math::max);
            return null;
        }

        private int indexOf(CharSequence text, String needle) {
            outer:
            for (int i = 0; i + needle.length() <= text.length(); i++) {
                for (int j = 0; j < needle.length(); j++) {
                    if (text.charAt(i + j) != needle.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -needle.length();
        }
    }

    /** Frees a place in the window for each publish reply. */
    private static final class Publisher implements WebSocket.Listener {
        private final Semaphore inFlight;

        Publisher(Semaphore inFlight) {
            this.inFlight = inFlight;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                inFlight.release();
            }
            return null;
        }
    }
}
