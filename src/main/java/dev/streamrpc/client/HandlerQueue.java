package dev.streamrpc.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the application's callbacks (message handlers, lost and state listeners) one at a time
 * and in the order they were queued, on threads of any executor, so that handlers see a
 * channel's messages in order even on a pool. One task drains the queue; it is resubmitted
 * only while there is work, so no thread is held while idle. An executor that refuses the
 * drain (a bounded pool momentarily full, or one shut down) does not lose the tasks: the
 * thread that submitted it drains the queue itself, since each message's task also gives
 * the connection back the credit to read the next one.
 */
final class HandlerQueue {

    private static final System.Logger LOG = System.getLogger(HandlerQueue.class.getName());
    /** Tasks run per turn on the executor, so that one busy client does not keep a shared pool's thread forever. */
    private static final int BATCH = 64;

    private final Executor executor;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean draining;    // guarded by tasks
    /** Once per client: a pool that is often full refuses often, and the tasks run all the same. */
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

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
        } catch (RejectedExecutionException refused) {
            // A shut-down executor is expected to refuse once the client closed its own pool; what comes
            // then finds the client closed, and runs only to give its read credit back.
            boolean shutDown = executor instanceof ExecutorService service && service.isShutdown();
            if (!shutDown && refusalLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "The StreamRPC client's executor refused its callbacks: they run on the "
                        + "thread that queued them instead (logged once per client)", refused);
            }
            runTasks(Integer.MAX_VALUE);
        }
    }

    private void drain() {
        if (runTasks(BATCH)) {
            submitDrain();
        }
    }

    /** Runs up to {@code limit} queued tasks; true if more wait, for this drain to hand on. */
    private boolean runTasks(int limit) {
        for (int i = 0; i < limit; i++) {
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
                if (more && thrown) {
                    submitDrain();
                }
            }
            if (!more) {
                return false;
            }
        }
        return true;
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
