package dev.streamrpc.it;

import dev.streamrpc.testing.BurstClient;
import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.ServerProcess;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar target/streamrpc-server.jar} as a user runs it: a separate process with a
 * setting from the environment, a round trip, then SIGTERM, which closes the client with 1001
 * {@code Server shutting down} (the server's own reason, not the container's).
 */
class ServerJarSmokeIT {

    @Test
    void theJarStartsReadsTheEnvironmentServesRequestsAndStopsCleanlyOnSigterm() throws Exception {
        // Settings come from the environment too, as in Docker.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_MAX_SUBSCRIPTIONS", "1"))) {
            Files.writeString(Path.of("target", "server-startup-ms.txt"), Long.toString(server.startupMillis()));
            try (WsClient client = WsClient.connect(server.uri())) {
                assertThat(client.call("echo", "{\"ping\":true}").toString())
                        .isEqualTo("{\"id\":\"r1\",\"method\":\"echo\",\"response\":{\"ping\":true}}");
                client.call("subscribe", "{\"channel\":\"one\"}");
                assertThat(client.call("subscribe", "{\"channel\":\"two\"}").getJsonObject("error").getJsonObject("errors").getString("channel"))
                        .isEqualTo("Too many subscriptions");
                assertThat(server.terminate()).isTrue(); // SIGTERM
                assertThat(client.awaitClose()).isEqualTo(new WsClient.Close(1001, "Server shutting down"));
            }
            assertThat(server.output()).doesNotContain("Exception");
        }
    }

    /** Neither a response's headers nor an error page name the server's software and version. */
    @Test
    void responsesDoNotNameTheServersVersion() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/health", "/no-such-page")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.uri().getPort() + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.headers().firstValue("Server")).as(path).isEmpty();
                assertThat(response.body()).as(path).doesNotContainIgnoringCase("jetty");
            }
        }
    }

    /** A malformed handshake's error page says what was wrong, not the stack, the causes or the servlet. */
    @Test
    void anErrorPageShowsNoStackTrace() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of());
             Socket socket = new Socket("localhost", server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).doesNotContain("\tat ", "at dev.streamrpc", "CAUSED BY", "SERVLET:", "Exception");
        }
    }

    /**
     * Responses to plain HTTP requests are written with blocking I/O. Eight connections that
     * each sent 200 requests and read nothing held every Jetty thread, and an open WebSocket's
     * call waited for its frame to be read until a blocked write timed out; now they take at
     * most a quarter of the pool.
     */
    @Test
    void clientsThatReadNoResponsesDoNotStopWebSocketsBeingServed() throws Exception {
        // Calls as fast as they are answered, so the rate limit is raised out of the way.
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_RATE_LIMIT", "1000000", "STREAM_RATE_BURST", "1000000"));
             WsClient client = WsClient.connect(server.uri())) {
            byte[] requests = ("GET /asyncapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n").repeat(200).getBytes(StandardCharsets.US_ASCII);
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket socket = new Socket();
                    socket.setReceiveBufferSize(4096);   // before connecting, so the window stays small
                    socket.connect(new InetSocketAddress("localhost", server.uri().getPort()));
                    socket.getOutputStream().write(requests);
                    stalled.add(socket);
                }
                // The threads are held one after another as responses fill the sockets; without
                // the limit a call in the next 15 s waited 10 s (the HTTP idle timeout) for a thread.
                long watchUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                for (int i = 0; System.nanoTime() < watchUntil; i++) {
                    client.request("echo", "{\"n\":" + i + "}");
                    assertThat(client.nextTextWithin(Duration.ofSeconds(3))).as("echo %d", i).contains("\"response\":{\"n\":" + i + "}");
                }
                // A readiness probe is not held back behind them either (it waited 10 s, then got 503).
                assertThat(Http.get(Http.beside(server.uri(), "health")).statusCode()).isEqualTo(200);
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    /**
     * Connections that never finish their handshake are not WebSockets, so
     * {@code stream.max-connections} does not count them. With room for 1,024 descriptors, about
     * 900 of them ran the server out: Jetty's accepts failed in a loop ("Too many open files")
     * and nothing new was answered. Jetty now stops accepting short of the process's limit.
     */
    @Test
    void connectionsThatNeverFinishTheirHandshakeDoNotRunTheServerOutOfDescriptors() throws Exception {
        try (ServerProcess server = ServerProcess.withDescriptorLimit(1024, Map.of())) {
            List<Socket> unfinished = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    Socket socket = new Socket();
                    try {
                        // Past the limit the listen queue fills and a connect times out: enough.
                        socket.connect(new InetSocketAddress("localhost", server.uri().getPort()), 2000);
                    } catch (IOException full) {
                        socket.close();
                        break;
                    }
                    unfinished.add(socket);
                    socket.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } finally {
                for (Socket socket : unfinished) {
                    socket.close();
                }
            }
            try (WsClient client = WsClient.connect(server.uri())) {
                assertThat(client.call("echo", "{}").containsKey("response")).isTrue();
            }
            assertThat(server.output()).doesNotContain("Too many open files");
        }
    }

    /**
     * The jar unpacks its WAR (about 20 MB) under {@code java.io.tmpdir}; a server killed with
     * SIGKILL cannot remove it, so the next server to start there does, leaving those of running
     * servers, and SIGTERM removes a server's own (before, every killed server's copy stayed:
     * 254 of them on one machine).
     */
    @Test
    void whatAKilledServerUnpackedIsRemovedByTheNextAndSigtermRemovesItsOwn() throws Exception {
        Path tmp = Files.createDirectories(Path.of("target", "unpack-" + System.nanoTime()));
        Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        List<Path> killedOnes;
        try (ServerProcess killed = new ServerProcess(environment)) {
            killedOnes = unpacked(tmp);
            assertThat(killedOnes).hasSize(1);
            assertThat(killedOnes.get(0).resolve("jetty/webapp/WEB-INF/jetty-web.xml")).isRegularFile();
            try (ServerProcess beside = new ServerProcess(environment)) {
                assertThat(unpacked(tmp)).hasSize(2).contains(killedOnes.get(0));   // a running server's is left
                killed.kill();
                assertThat(killedOnes.get(0)).isDirectory();
                try (ServerProcess next = new ServerProcess(environment)) {
                    assertThat(killedOnes.get(0)).doesNotExist();
                    assertThat(unpacked(tmp)).hasSize(2);
                    assertThat(next.terminate()).isTrue();
                    assertThat(beside.terminate()).isTrue();
                }
            }
        }
        assertThat(unpacked(tmp)).isEmpty();
    }

    private static List<Path> unpacked(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("streamrpc-")).toList();
        }
    }

    /**
     * Jetty's pool is capped ({@code STREAM_JETTY_THREADS}, default four per core and at least
     * eight): 300 clients handshaking and calling at once leave no more of its threads than that.
     */
    @Test
    void jettysThreadsStayWithinTheirCapThroughAHandshakeStorm() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(100);
        try (ServerProcess server = new ServerProcess(Map.of("STREAM_JETTY_THREADS", "9"))) {
            assertThat(server.output()).contains("(at most 9 Jetty threads)");
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                calls.add(clients.submit(() -> {
                    try (WsClient client = WsClient.connect(server.uri())) {
                        return client.call("echo", "{}").toString();
                    }
                }));
            }
            for (Future<String> call : calls) {
                assertThat(call.get()).contains("\"response\":{}");
            }
            assertThat(jettyThreads(server.pid())).isBetween(1L, 9L);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Jetty's WebSocket session keeps the request its upgrade saw; through it, without
     * {@code UpgradingRequest}, the whole HTTP exchange of every open connection stayed in the
     * heap (about 4.6 KB each). A class histogram collects the heap first, so what it counts
     * is what open connections hold; the connections must work after that collection too.
     */
    @Test
    void openConnectionsHoldNothingOfTheirHttpUpgrade() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try (ServerProcess server = new ServerProcess(Map.of())) {
            for (int i = 0; i < 100; i++) {
                WsClient client = WsClient.connect(URI.create(server.uri() + "?client=" + i));
                clients.add(client);
                assertThat(client.call("echo", "{\"n\":" + i + "}").toString()).contains("\"response\":{\"n\":" + i + "}");
            }
            String histogram = jcmd(server.pid(), "GC.class_histogram");
            assertThat(instances(histogram, "org.eclipse.jetty.ee10.servlet.ServletApiRequest")).isLessThan(10);
            assertThat(instances(histogram, "org.eclipse.jetty.server.internal.HttpConnection")).isLessThan(10);
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).call("echo", "{\"n\":" + i + "}").toString()).contains("\"response\":{\"n\":" + i + "}");
            }
            assertThat(server.output()).doesNotContain("ended with its upgrade");
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /**
     * A client's requests that arrive in one read are answered in one socket write (Jetty's
     * threads keep a read's replies until the thread reads again: ReadRunConnector). Counted by
     * Linux as the server process's write system calls; before, each reply was one.
     */
    @Test
    void repliesToRequestsReadTogetherLeaveInOneWrite() throws Exception {
        int requests = 16;
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            burst.add("{\"id\":" + i + ",\"method\":\"echo\",\"payload\":{\"n\":" + i + "}}");
        }
        try (ServerProcess server = new ServerProcess(Map.of());
             BurstClient client = new BurstClient(server.uri())) {
            for (int round = 0; round < 3; round++) {
                long before = writeCalls(server.pid());
                client.sendTogether(burst);
                for (int i = 0; i < requests; i++) {
                    assertThat(client.nextText()).isEqualTo("{\"id\":" + i + ",\"method\":\"echo\",\"response\":{\"n\":" + i + "}}");
                }
                // A few to spare: a selector's wake-up is a write too.
                assertThat(writeCalls(server.pid()) - before).as("write calls for %d replies", requests).isLessThanOrEqualTo(4);
            }
        }
    }

    @Test
    void aReplyPutOffToTheEndOfItsReadStillPrecedesTheDeliveryItsRequestCaused() throws Exception {
        try (ServerProcess server = new ServerProcess(Map.of());
             BurstClient client = new BurstClient(server.uri())) {
            client.sendTogether(List.of("{\"id\":0,\"method\":\"subscribe\",\"payload\":{\"channel\":\"o\"}}"));
            assertThat(client.nextText()).isEqualTo("{\"id\":0,\"method\":\"subscribe\",\"response\":{\"subscribed\":{\"o\":[\"*\"]}}}");
            int publishes = 5;
            for (int round = 0; round < 20; round++) {
                List<String> burst = new ArrayList<>();
                for (int k = 1; k <= publishes; k++) {
                    burst.add("{\"id\":" + (round * publishes + k) + ",\"method\":\"publish\",\"payload\":{\"channel\":\"o\",\"data\":"
                            + (round * publishes + k) + "}}");
                }
                client.sendTogether(burst);
                List<String> frames = new ArrayList<>();
                for (int i = 0; i < 2 * publishes; i++) {
                    frames.add(client.nextText());
                }
                int lastReply = -1;
                int lastDelivery = -1;
                for (int k = 1; k <= publishes; k++) {
                    int n = round * publishes + k;
                    int reply = frames.indexOf("{\"id\":" + n + ",\"method\":\"publish\",\"response\":{\"channel\":\"o\",\"event\":null,\"data\":" + n + "}}");
                    int delivery = frames.indexOf("{\"channel\":\"o\",\"event\":\"\",\"data\":" + n + "}");
                    assertThat(reply).as("publish %d's reply in %s", n, frames).isGreaterThan(lastReply).isLessThan(delivery);
                    assertThat(delivery).as("publish %d's delivery in %s", n, frames).isGreaterThan(lastDelivery);
                    lastReply = reply;
                    lastDelivery = delivery;
                }
            }
        }
    }

    @Test
    void aThreadCapBelowJettysNeedsStopsStartUpWithTheReason() throws Exception {
        ServerProcess.Ended failed = ServerProcess.failingToStart(Map.of("STREAM_JETTY_THREADS", "2"));
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.output()).contains("Jetty needs at least 8 threads, not 2").doesNotContain("StreamRPC ready");
        assertThat(failed.output()).as("no stack trace").doesNotContain("\tat ");
    }

    /** A mistyped command line ends with its reason and the usage (exit code 2), not a stack trace. */
    @Test
    void aBadCommandLineGetsItsReasonAndTheUsage() throws Exception {
        ServerProcess.Ended notANumber = ServerProcess.endingOn(Map.of(), "--port", "abc");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.output()).contains("Not a port number: abc. Usage: java -XX:+UseSerialGC -jar streamrpc-server.jar [--port N]")
                .doesNotContain("\tat ").doesNotContain("Exception");
        ServerProcess.Ended noValue = ServerProcess.endingOn(Map.of(), "--port");
        assertThat(noValue.exitCode()).isEqualTo(2);
        assertThat(noValue.output()).contains("--port needs a value. Usage:").doesNotContain("\tat ");
        ServerProcess.Ended help = ServerProcess.endingOn(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("Usage: java -XX:+UseSerialGC -jar streamrpc-server.jar").doesNotContain("Unknown argument")
                .doesNotContain("jetty-12");
    }

    /**
     * A port already taken, or a bad setting, ends the start with one line naming the reason
     * (exit code 1); the unpacked WAR is removed on the way out.
     */
    @Test
    void aServerThatCannotStartSaysWhyInOneLine() throws Exception {
        try (ServerProcess running = new ServerProcess(Map.of())) {
            ServerProcess.Ended taken = ServerProcess.endingOn(Map.of(), "--port", Integer.toString(running.uri().getPort()));
            assertThat(taken.exitCode()).isEqualTo(1);
            assertThat(taken.output()).containsPattern("StreamRPC could not start: Failed to bind to \\S+:" + running.uri().getPort()
                    + ": Address already in use").doesNotContain("\tat ");
        }
        ServerProcess.Ended badSetting = ServerProcess.failingToStart(Map.of("STREAM_RATE_BURST", "0"));
        assertThat(badSetting.exitCode()).isEqualTo(1);
        assertThat(badSetting.output()).contains("StreamRPC could not start: Invalid StreamRPC settings: stream.rate-burst: expected a number of at least 1, got '0'");
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).as(output).isZero();
        return output;
    }

    /** The instances of a class in a histogram ({@code num: instances bytes name}), 0 when absent. */
    private static long instances(String histogram, String className) {
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "\\s*$", Pattern.MULTILINE)
                .matcher(histogram);
        return row.find() ? Long.parseLong(row.group(1)) : 0;
    }

    /** Write system calls a process made so far ({@code syscw} of Linux's /proc/PID/io). */
    private static long writeCalls(long pid) throws IOException {
        Matcher calls = Pattern.compile("^syscw: (\\d+)$", Pattern.MULTILINE).matcher(Files.readString(Path.of("/proc", Long.toString(pid), "io")));
        assertThat(calls.find()).isTrue();
        return Long.parseLong(calls.group(1));
    }

    /** Threads of Jetty's pool ({@code qtp...}) in a process, from Linux's /proc. */
    private static long jettyThreads(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).startsWith("qtp");
                } catch (IOException gone) {
                    return false; // a thread that ended while we looked
                }
            }).count();
        }
    }
}
