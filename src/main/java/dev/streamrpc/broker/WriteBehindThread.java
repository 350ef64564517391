package dev.streamrpc.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A thread that puts off writes to clients until the end of a run of its work, each
 * connection's once. On this thread, inside a run, a connection's outbox asks to write later
 * ({@link #later}), and its replies go out together when the run ends ({@link #close}), or every
 * {@value #MOST_STEPS} steps of it ({@link #step}), so that no reply waits behind a long run.
 * Only the thread itself opens, steps and closes its run.
 *
 * <p>Two kinds of thread run this way. The Redis brokers' inbound thread completes each new
 * channel's subscribe as a task of its own, and its tasks in a row are a run ({@link #open}): a
 * client's ten subscribes, confirmed in one batch, leave in one write instead of ten. The embedded
 * server's Jetty threads have read runs ({@link #openRead}): the frames of one network read are
 * handled one by one on the reading thread, and their replies leave in one write when the thread
 * reads again, selects, or ends its job (dev.streamrpc.server.ReadRunConnector). A read run keeps
 * the writes of the connection it reads only, once named ({@link #reads}), and anything else goes
 * out at once: a read that ends without those hooks (its connection closing or failing) holds
 * nothing another connection waits for. The replies to requests that arrive in the same read as
 * the client's close frame are dropped with the connection's queue: Jetty answers the close
 * before the read's run ends.
 *
 * <p>The embedded server creates Jetty's threads from its own class loader, so it makes this
 * class one the web app takes from the server rather than from its own classes (Jetty's
 * protected classes); in a WAR on another server no thread is of this class but Redis's. Any
 * other thread (the fan-out threads, the RPC workers) writes at once, and pays one type check.
 * There the rest of this package is the web app's, this class the server's: so it reaches
 * nothing package-private of its package, and nothing there reaches its own.
 */
public final class WriteBehindThread extends Thread {

    /** Steps of one run whose writes go out together at most. */
    public static final int MOST_STEPS = 64;
    /** Writes one run keeps at most; a write asked for beyond that goes out at once. */
    private static final int MOST_WRITES = 256;

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindThread.class);

    // This thread's own: a run allocates nothing.
    private boolean open;
    private boolean reading;   // a read run: it keeps the owner's writes only
    private Runnable owner;    // the write of the connection a read run reads, once named
    private int steps;
    private final List<Runnable> writes = new ArrayList<>();
    private int ran;           // during a flush, the writes at the head of the list that have run

    public WriteBehindThread(Runnable task, String name) {
        super(task, name);
    }

    /**
     * Puts {@code write} off until the end of the current thread's run, if it is in one; the
     * same {@code write} (by identity) asked again before it has run runs once (asked again after,
     * it runs again at the next flush). False, and nothing kept,
     * when the current thread is not in a run, its run is full, or it is a read run of another
     * connection: the caller writes now.
     */
    public static boolean later(Runnable write) {
        return Thread.currentThread() instanceof WriteBehindThread thread && thread.keep(write);
    }

    /**
     * Names the connection the current thread's read run reads, by its write; called before each
     * of the connection's frames is handled. Until then a read run keeps nothing.
     */
    public static void reads(Runnable write) {
        if (Thread.currentThread() instanceof WriteBehindThread thread && thread.reading) {
            thread.owner = write;
        }
    }

    /** Opens a run, unless one is open. */
    public void open() {
        open = true;
    }

    /** Ends any run, then opens a read run: it keeps the writes of the connection it reads only ({@link #reads}). */
    public void openRead() {
        close();
        open = true;
        reading = true;
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
            reading = false;
            owner = null;
            flush();
        }
    }

    private boolean keep(Runnable write) {
        if (!open || reading && write != owner) {
            return false;
        }
        // One still to run will see what is asked now; one that ran already in this flush must run again.
        for (int i = ran; i < writes.size(); i++) {
            if (writes.get(i) == write) {
                return true;
            }
        }
        if (writes.size() >= MOST_WRITES) {
            return false;
        }
        writes.add(write);
        return true;
    }

    /** Not re-entered: a write sends, and runs no job, read or select of its thread. */
    private void flush() {
        steps = 0;
        int due = writes.size();   // a write asked for while these run waits for the next flush
        try {
            while (ran < due) {
                Runnable write = writes.get(ran++);
                try {
                    write.run();
                } catch (RuntimeException e) {
                    LOG.error("A write put off until the end of a run failed", e);
                }
            }
        } finally {
            writes.subList(0, ran).clear();
            ran = 0;
        }
    }
}
