package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.WriteBehindThread;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Redis brokers' one {@code redis-inbound} thread. The tasks it runs in a row, while more
 * are queued, form a {@link WriteBehindThread} run, each task a step: what they write to clients
 * goes out when the queue runs dry or every {@value WriteBehindThread#MOST_STEPS} tasks, so that
 * a client's subscribes confirmed in one batch are answered in one write. A quiet broker's task
 * ends its run at once: nothing waits.
 */
final class InboundThread extends ThreadPoolExecutor {

    /** Unbounded in count; what the callers queue is bounded in bytes (see RedisFanOut). */
    InboundThread() {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread inbound = new WriteBehindThread(task, "redis-inbound");
            inbound.setDaemon(true);
            return inbound;
        });
    }

    @Override
    protected void beforeExecute(Thread thread, Runnable task) {
        ((WriteBehindThread) thread).open();
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        WriteBehindThread thread = (WriteBehindThread) Thread.currentThread();
        // A task that failed ends its thread, and the run with it: what it kept goes out first.
        if (failure != null || getQueue().isEmpty()) {
            thread.close();
        } else {
            thread.step();
        }
    }
}
