package dev.streamrpc.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The servers a benchmark run starts: StreamRPC's jar, the floor, redis-server. Same JVM flags for both JVMs. */
final class Servers {

    static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx2g");

    /** A started server process and its WebSocket URL. */
    record Running(String name, Process process, URI uri) implements AutoCloseable {
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

    private Servers() {
    }

    static Running streamrpc(String name, Map<String, String> environment) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-jar", "target/streamrpc-server.jar", "--port", Integer.toString(port)));
        return start(name, command, environment, "StreamRPC ready", port);
    }

    static Running floor() throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorServer.class.getName(), Integer.toString(port)));
        return start("floor", command, Map.of(), "Floor ready", port);
    }

    static Running redis() throws Exception {
        int port = freePort();
        Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).start();
        Running running = new Running("redis", process, URI.create("redis://127.0.0.1:" + port));
        await(process, "Ready to accept connections", "redis");
        return running;
    }

    private static Running start(String name, List<String> command, Map<String, String> environment, String ready, int port)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        await(process, ready, name);
        return new Running(name, process, URI.create("ws://127.0.0.1:" + port + "/stream"));
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
        started.get(90, TimeUnit.SECONDS);
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
