package dev.streamrpc.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread that puts off writes to clients until the end of a run of its tasks, each
 * connection's once. A Redis broker confirms a storm's new channels in batches, and its inbound
 * thread completes each channel's subscribe as a task of its own: each wrote its client's reply
 * to the socket at once, so a client's ten subscribes, confirmed in one batch, were ten writes.
 * On this thread, inside a run, a connection's outbox asks to write later ({@link #later}), and
 * its replies go out together when the run ends ({@link #close}), or every {@value #MOST_STEPS}
 * steps of it ({@link #step}), so that no reply waits behind a long run. Only the thread itself
 * opens, steps and closes its run.
 *
 * <p>It lives with the broker, the lowest layer, because the broker's thread knows where a run
 * ends, and the transport, which depends on the broker, knows what a write is. Any other thread
 * (Jetty's, the fan-out threads, the RPC workers) writes at once, as before, and pays one type
 * check for asking. Jetty's threads have no runs: a thread that reads a connection may go straight
 * on to other work (Jetty's execution strategy can make it the one waiting in the selector), and
 * nothing tells the application that its read ended, so a run there could hold a reply while the
 * thread waits.
 */
public final class WriteBehindThread extends Thread {

    /** Steps of one run whose writes go out together at most. */
    public static final int MOST_STEPS = 64;
    /** Writes one run keeps at most; a write asked for beyond that goes out at once. */
    private static final int MOST_WRITES = 256;

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindThread.class);

    // This thread's own: a run allocates nothing.
    private boolean open;
    private int steps;
    private final List<Runnable> writes = new ArrayList<>();

    public WriteBehindThread(Runnable task, String name) {
        super(task, name);
    }

    /**
     * Puts {@code write} off until the end of the current thread's run, if it is in one; the
     * same {@code write} (by identity) asked again meanwhile runs once. False, and nothing kept,
     * when the current thread is not in a run or its run is full: the caller writes now.
     */
    public static boolean later(Runnable write) {
        return Thread.currentThread() instanceof WriteBehindThread thread && thread.keep(write);
    }

    /** Opens a run, unless one is open. */
    public void open() {
        open = true;
    }

    /** One step of the run done; every {@value #MOST_STEPS} steps, what was put off goes out. */
    public void step() {
        if (open && ++steps >= MOST_STEPS) {
            flush();
        }
    }

    /** Ends the run, if one is open: what was put off goes out now, in the order first asked. */
    public void close() {
        if (open) {
            open = false;
            flush();
        }
    }

    private boolean keep(Runnable write) {
        if (!open) {
            return false;
        }
        for (Runnable kept : writes) {
            if (kept == write) {
                return true;
            }
        }
        if (writes.size() >= MOST_WRITES) {
            return false;
        }
        writes.add(write);
        return true;
    }

    private void flush() {
        steps = 0;
        int due = writes.size();   // a write asked for while these run waits for the next flush
        for (int i = 0; i < due; i++) {
            try {
                writes.get(i).run();
            } catch (RuntimeException e) {
                LOG.error("A write put off until the end of a run failed", e);
            }
        }
        writes.subList(0, due).clear();
    }
}
