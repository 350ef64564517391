package dev.streamrpc.bench;

import dev.streamrpc.testing.LaunchCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers a benchmark run starts, each as a user would start it: StreamRPC with the
 * README's command ({@link LaunchCommand}), the others with no JVM or Node flags, each with
 * only a port. Every server may be pinned to one CPU (the same one for all), so that each
 * has one core while the generator takes the rest, and Node's single thread and the JVMs
 * compete on equal terms.
 */
final class Servers {

    /** The servers compared, in the order the rounds alternate. */
    enum Kind {
        STREAMRPC("StreamRPC", Wire.STREAM_RPC, true),
        FLOOR("floor", Wire.STREAM_RPC, true),
        SOCKET_IO("Socket.IO", Wire.SOCKET_IO, false);

        final String label;
        final Wire wire;
        final boolean jvm;

        Kind(String label, Wire wire, boolean jvm) {
            this.label = label;
            this.wire = wire;
            this.jvm = jvm;
        }
    }

    /**
     * StreamRPC's settings in every run: only the per-connection request rate, which would
     * otherwise cap the echo scenario (1,000 requests per second per connection by default);
     * the token bucket is still consulted on every request.
     */
    static final Map<String, String> STREAMRPC_SETTINGS = Map.of("STREAM_RATE_LIMIT", "1e9", "STREAM_RATE_BURST", "1e9");

    static final Path SOCKET_IO_DIR = Path.of("bench", "socketio");

    /** These settings with some added or replaced. */
    static Map<String, String> with(Map<String, String> settings, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(more);
        return all;
    }

    /** A started server process and its WebSocket URL. */
    record Running(String name, Process process, URI uri, Wire wire, boolean jvm) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The CPU every server is pinned to, or -1 for none. */
    private final int cpu;
    /** How each kind of server was started (its command line and settings), for the report. */
    private final Map<String, String> commands = new TreeMap<>();

    /** Pins servers to the last CPU when asked, there are two or more, and {@code taskset} is there. */
    Servers(boolean pin) {
        int cpus = Runtime.getRuntime().availableProcessors();
        boolean taskset = Files.isExecutable(Path.of("/usr/bin/taskset"));
        this.cpu = pin && cpus >= 2 && taskset ? cpus - 1 : -1;
    }

    int pinnedCpu() {
        return cpu;
    }

    Map<String, String> commands() {
        return commands;
    }

    Running start(Kind kind) throws Exception {
        return switch (kind) {
            case STREAMRPC -> streamrpc(kind.label, STREAMRPC_SETTINGS);
            case FLOOR -> {
                int port = freePort();
                yield start(kind.label, List.of(java(), "-cp", System.getProperty("java.class.path"), FloorServer.class.getName(),
                        Integer.toString(port)), Map.of(), "Floor ready", URI.create("ws://127.0.0.1:" + port + "/stream"), kind);
            }
            case SOCKET_IO -> {
                int port = freePort();
                yield start(kind.label, List.of("node", SOCKET_IO_DIR.resolve("server.js").toString(), Integer.toString(port)),
                        Map.of(), "Socket.IO ready",
                        URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), kind);
            }
        };
    }

    /** StreamRPC's jar, started as the README starts it, with these settings in the environment. */
    Running streamrpc(String name, Map<String, String> settings) throws Exception {
        return streamrpc(name, Path.of("target", "streamrpc-server.jar"), settings);
    }

    /** A StreamRPC jar (this build's, or another's to compare with), started as the README starts it. */
    Running streamrpc(String name, Path jar, Map<String, String> settings) throws Exception {
        int port = freePort();
        return start(name, LaunchCommand.of(jar, "--port", Integer.toString(port)), settings,
                "StreamRPC ready", URI.create("ws://127.0.0.1:" + port + "/stream"), Kind.STREAMRPC);
    }

    private Running start(String name, List<String> command, Map<String, String> settings, String ready, URI uri, Kind kind)
            throws Exception {
        List<String> pinned = new ArrayList<>();
        if (cpu >= 0) {
            pinned.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        pinned.addAll(command);
        commands.putIfAbsent(name, describe(pinned, settings, uri.getPort()));
        ProcessBuilder builder = new ProcessBuilder(pinned).redirectErrorStream(true);
        builder.environment().putAll(settings);
        Process process = builder.start();
        try {
            await(process, ready, name);
        } catch (Exception | Error e) {
            process.destroyForcibly();   // a server that never became ready must not outlive the run
            throw e;
        }
        return new Running(name, process, uri, kind.wire, kind.jvm);
    }

    /** The command line as a reader would type it (the generator's class path abbreviated). */
    private static String describe(List<String> command, Map<String, String> settings, int port) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(settings).forEach((key, value) -> text.append(key).append('=').append(value).append(' '));
        for (String word : command) {
            String shown = word.equals(java()) ? "java"
                    : word.equals(System.getProperty("java.class.path")) ? "TEST_CLASSPATH"
                    : word.equals(Integer.toString(port)) ? "PORT" : word;
            text.append(shown).append(' ');
        }
        return text.toString().trim();
    }

    /** Waits for a line, then keeps draining the output so the process never blocks on it. */
    private static void await(Process process, String ready, String name) throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            StringBuilder early = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!started.isDone()) {
                        early.append(line).append('\n');
                        if (line.contains(ready)) {
                            started.complete(null);
                        }
                    }
                }
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
            started.completeExceptionally(new IllegalStateException(name + " exited:\n" + early));
        }, name + "-output");
        drain.setDaemon(true);
        drain.start();
        try {
            started.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not say \"" + ready + "\" within 90 s", e);
        }
    }

    /** What the JVM chose by itself (collector, largest heap), read with {@code jcmd VM.flags}. */
    static String ergonomics(Running server) throws Exception {
        String flags = Proc.jcmd(server.pid(), "VM.flags");
        Matcher gc = Pattern.compile("-XX:\\+Use(\\w+GC)\\b").matcher(flags);
        Matcher heap = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
        return (gc.find() ? gc.group(1) : "?") + ", largest heap "
                + (heap.find() ? String.format("%.1f GiB", Long.parseLong(heap.group(1)) / (double) (1L << 30)) : "?");
    }

    /** The versions of socket.io (as installed by npm ci) and of Node, for the report. */
    static String socketIoVersions() {
        try {
            String installed = Files.readString(SOCKET_IO_DIR.resolve(Path.of("node_modules", "socket.io", "package.json")));
            Matcher version = Pattern.compile("\"version\":\\s*\"([^\"]+)\"").matcher(installed);
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String nodeVersion = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return "socket.io " + (version.find() ? version.group(1) : "?") + " on Node " + nodeVersion;
        } catch (java.io.IOException e) {
            return "socket.io (version unknown: " + e.getMessage() + ")";
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
