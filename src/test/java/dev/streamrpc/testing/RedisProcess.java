package dev.streamrpc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * One {@code redis-server} process on a loopback port, without persistence, logging to
 * {@code redis.log} in its own directory; shared by {@link RedisServer} and {@link RedisCluster}.
 * The programs come from Debian's {@code redis-server} package: {@code $REDIS_SERVER} and
 * {@code $REDIS_CLI} when set, else the PATH.
 */
final class RedisProcess {

    private final int port;
    private final Path dir;
    private final Process process;

    private RedisProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts {@code redis-server} with these extra arguments and returns once it accepts connections. */
    static RedisProcess start(int port, Path dir, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(server(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        // A test JVM that ends without closing its fixtures leaves no Redis behind.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        RedisProcess redis = new RedisProcess(port, dir, process);
        await("redis-server listening on port " + port).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(redis::listening);
        return redis;
    }

    private boolean listening() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    int port() {
        return port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}) to the server. */
    void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String server() {
        return find("REDIS_SERVER", "redis-server");
    }

    static String cli() {
        return find("REDIS_CLI", "redis-cli");
    }

    private static String find(String variable, String name) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " not found: install it (apt-get install redis-server) or set " + variable);
    }

    /** Deletes a directory tree made by a test. */
    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
