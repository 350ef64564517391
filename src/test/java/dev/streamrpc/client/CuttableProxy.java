package dev.streamrpc.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of a server whose connections the test can cut while the server runs
 * on: {@link #cut()} breaks every connection and refuses new ones until {@link #restore()}.
 * It stands for the network between a client and its server.
 */
final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
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
        sockets.forEach(CuttableProxy::closeQuietly);
        sockets.clear();
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

    private void pump(Socket from, Socket to, boolean toClient) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (toClient && latencyToClientNanos > 0) {
                    LockSupport.parkNanos(latencyToClientNanos);
                }
                out.write(buffer, 0, read);
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
