package dev.streamrpc.rpc;

import dev.streamrpc.config.DaemonThreads;
import dev.streamrpc.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded pool that runs blocking RPC methods, so that a slow method holds up neither
 * the connection's I/O thread nor any other connection. It runs nothing else: closing
 * connections never waits behind queued calls. When {@code stream.rpc-queue} calls already
 * wait, {@link #execute} refuses the next one.
 */
@ApplicationScoped
public class RpcWorkers implements Executor {

    @Inject
    Settings settings;

    private ThreadPoolExecutor pool;

    @PostConstruct
    void start() {
        pool = new ThreadPoolExecutor(settings.rpcWorkers(), settings.rpcWorkers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.rpcQueue()), new DaemonThreads("rpc-worker"));
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @PreDestroy
    void shutdown() {
        pool.shutdown();
    }
}
