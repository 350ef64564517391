package dev.streamrpc.server;

import dev.streamrpc.broker.WriteBehindThread;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's pool, of {@link WriteBehindThread}s: a thread that reads a connection keeps the
 * replies to the frames of one read and writes them together ({@link ReadRunConnector}). A
 * job's end, or a reserved thread's task's, ends its thread's run, so that a thread going back to
 * the pool or parking holds nothing.
 */
final class JettyThreads extends QueuedThreadPool {

    JettyThreads(int maxThreads) {
        super(maxThreads);
    }

    /** As Jetty's own (name, daemon, priority, class loader), but a {@link WriteBehindThread}. */
    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new WriteBehindThread(runnable, getName());
        thread.setName(getName() + "-" + thread.getId());
        thread.setDaemon(isDaemon());
        thread.setPriority(getThreadsPriority());
        thread.setContextClassLoader(getClass().getClassLoader());
        return thread;
    }

    /**
     * A reserved thread runs the tasks handed to it inside one pool job, and parks between them:
     * each task's end ends its run too.
     */
    @Override
    public boolean tryExecute(Runnable task) {
        return super.tryExecute(Invocable.from(Invocable.getInvocationType(task), () -> {
            try {
                task.run();
            } finally {
                endRun();
            }
        }));
    }

    @Override
    protected void runJob(Runnable job) {
        try {
            job.run();
        } finally {
            endRun();
        }
    }

    /** Ends the current thread's run, if it is one of this pool's: what it kept goes out now. */
    static void endRun() {
        if (Thread.currentThread() instanceof WriteBehindThread thread) {
            thread.close();
        }
    }
}
