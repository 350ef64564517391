package dev.streamrpc.server;

import dev.streamrpc.broker.WriteBehindThread;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's pool, of {@link WriteBehindThread}s: a thread that reads a connection keeps the
 * replies to the frames of one read and writes them together ({@link ReadRunConnector}). A
 * job's end ends its thread's run, so that a thread going back to the pool holds nothing.
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
