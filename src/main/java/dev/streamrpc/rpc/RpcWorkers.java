package dev.streamrpc.rpc;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that runs blocking RPC methods, so that a slow method holds up neither
 * the connection's I/O thread nor any other connection.
 */
@ApplicationScoped
public class RpcWorkers implements Executor {

    @Inject
    @ConfigProperty(name = "stream.rpc-workers", defaultValue = "64")
    int threads;

    @Inject
    @ConfigProperty(name = "stream.rpc-queue", defaultValue = "10000")
    int queue;

    private volatile ThreadPoolExecutor pool;

    @Override
    public void execute(Runnable task) {
        pool().execute(task);
    }

    private ThreadPoolExecutor pool() {
        ThreadPoolExecutor current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    AtomicInteger count = new AtomicInteger();
                    pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                            new ArrayBlockingQueue<>(queue), r -> {
                                Thread t = new Thread(r, "rpc-worker-" + count.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    pool.allowCoreThreadTimeOut(true);
                }
                current = pool;
            }
        }
        return current;
    }

    @PreDestroy
    void shutdown() {
        ThreadPoolExecutor current = pool;
        if (current != null) {
            current.shutdown();
        }
    }
}
