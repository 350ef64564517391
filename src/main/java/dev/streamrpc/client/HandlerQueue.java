package dev.streamrpc.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the application's callbacks (message handlers, lost and state listeners) one at a time
 * and in the order they were queued, on threads of any executor, so that handlers see a
 * channel's messages in order even on a pool. One task drains the queue; it is resubmitted
 * only while there is work, so no thread is held while idle.
 */
final class HandlerQueue {

    private static final System.Logger LOG = System.getLogger(HandlerQueue.class.getName());
    /** Tasks run per turn on the executor, so that one busy client does not keep a shared pool's thread forever. */
    private static final int BATCH = 64;

    private final Executor executor;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean draining;    // guarded by tasks

    HandlerQueue(Executor executor) {
        this.executor = executor;
    }

    void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        submitDrain();
    }

    /** Tasks queued and not yet finished, the running one included. */
    int size() {
        synchronized (tasks) {
            return tasks.size();
        }
    }

    private void submitDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException closed) {
            // The executor is shut down (the client is closed, after what was queued then): nothing will run these.
            synchronized (tasks) {
                tasks.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.peek();
            }
            boolean more;
            boolean thrown = true;
            try {
                isolated(task);
                thrown = false;
            } finally {
                more = finished();
                // An Error leaves this thread: the tasks after it go on elsewhere.
                if (more && (thrown || i == BATCH - 1)) {
                    submitDrain();
                }
            }
            if (!more) {
                return;
            }
        }
    }

    /** Runs an application callback; one that fails is logged and must not stop the ones after it. */
    static void isolated(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "A StreamRPC client callback failed", e);
        }
    }

    /** Removes the task that just ran; true if another one waits (and this drain goes on). */
    private boolean finished() {
        synchronized (tasks) {
            tasks.remove();
            draining = !tasks.isEmpty();
            return draining;
        }
    }
}
