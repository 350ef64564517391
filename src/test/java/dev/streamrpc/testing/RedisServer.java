package dev.streamrpc.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, started and stopped by the test (no
 * persistence). {@link #kill()} and {@link #start()} again simulate losing Redis and getting it
 * back on the same address. The binary is {@code $REDIS_SERVER} or {@code redis-server} on
 * the PATH ({@code apt-get install redis-server}).
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final String password;
    private Process process;

    private RedisServer(int port, String password) {
        this.port = port;
        this.password = password;
    }

    public static RedisServer startWithPassword(String password) throws IOException, InterruptedException {
        RedisServer server = new RedisServer(freePort(), password);
        server.start();
        return server;
    }

    public void start() throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("redis");
        process = new ProcessBuilder(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--requirepass", password, "--dir", work.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited: " + Files.readString(work.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port);
    }

    /** Kills the server at once, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Thaws a paused server (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    /** {@code redis://:password@127.0.0.1:port} */
    public String uri() {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }

    private static String binary() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
