package dev.streamrpc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private final List<Path> dirs = new ArrayList<>();
    private RedisProcess process;

    private RedisServer(int port, String password) {
        this.port = port;
        this.password = password;
    }

    public static RedisServer startWithPassword(String password) throws IOException, InterruptedException {
        RedisServer server = new RedisServer(RedisProcess.freePort(), password);
        server.start();
        return server;
    }

    public void start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("redis");
        dirs.add(dir);
        process = RedisProcess.start(port, dir, List.of("--requirepass", password));
    }

    /**
     * Kills the server at once, as a crash would, and starts it again in the same directory: it
     * loads its last snapshot ({@code SAVE}), without whatever was written after it.
     */
    public void crashAndRestartFromSnapshot() throws IOException, InterruptedException {
        kill();
        process = RedisProcess.start(port, dirs.get(dirs.size() - 1), List.of("--requirepass", password));
    }

    /** Kills the server at once, as a crash would. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() throws IOException, InterruptedException {
        process.signal("STOP");
    }

    /** Thaws a paused server (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        process.signal("CONT");
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
        dirs.forEach(RedisProcess::delete);
    }
}
