package dev.streamrpc.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of a server whose connections the test can cut while the server runs
 * on: {@link #cut()} breaks every connection and refuses new ones until {@link #restore()};
 * {@link #dropOnceOpened()} lets new ones open and then breaks them. It stands for the
 * network between a client and its server.
 */
final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Long> acceptedNanos = new CopyOnWriteArrayList<>();
    private final List<Long> droppedNanos = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean dropOnceOpened;
    private volatile long latencyToClientNanos;

    CuttableProxy(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept);
    }

    /** The target's URI with the proxy's host and port. */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + target.getRawPath());
    }

    /** Breaks every connection; new ones are closed at once until {@link #restore()}. */
    void cut() {
        cut = true;
        breakAll();
    }

    /**
     * Breaks every connection; from now on each new one is broken as soon as the server's first
     * bytes, its answer to the handshake, have reached the client: it opens, then drops at once.
     */
    void dropOnceOpened() {
        dropOnceOpened = true;
        breakAll();
    }

    /** When each connection that the proxy let through was accepted, in {@link System#nanoTime()}. */
    List<Long> acceptedNanos() {
        return acceptedNanos;
    }

    /** When each connection was broken once opened ({@link #dropOnceOpened()}), in {@link System#nanoTime()}. */
    List<Long> droppedNanos() {
        return droppedNanos;
    }

    void restore() {
        cut = false;
    }

    /** From now on, what the server sends reaches the client this much later (a slow network). */
    void latencyToClient(Duration latency) {
        latencyToClientNanos = latency.toNanos();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        cut();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                acceptedNanos.add(System.nanoTime());
                Socket server = new Socket(target.getHost(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                daemon(() -> pump(client, server, false));
                daemon(() -> pump(server, client, true));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void breakAll() {
        sockets.forEach(CuttableProxy::closeQuietly);
        sockets.clear();
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (toClient && latencyToClientNanos > 0) {
                    LockSupport.parkNanos(latencyToClientNanos);
                }
                out.write(buffer, 0, read);
                if (toClient && dropOnceOpened) {
                    droppedNanos.add(System.nanoTime());
                    break;
                }
            }
        } catch (IOException broken) {
            // cut, or closed by either end
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "cuttable-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
