package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.WriteBehindThread;
import dev.streamrpc.pubsub.CloseStatus;
import dev.streamrpc.rpc.Caller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's bounded outbound queue, and the one place that decides when it closes.
 *
 * <p>Offers never block: they queue under a short lock, and at most one send (or batch) is
 * in flight, written outside the lock. The byte limit covers everything accepted and not yet
 * written, the batch in flight included: bytes leave the count only when the container
 * reports them written. An offer past the limit starts closing the connection as a slow
 * consumer: what is queued is dropped, and the close frame follows once the send in flight
 * completes. Whatever starts the closing (overflow, {@link #close}, a failed send), it
 * happens once, the listener hears of it once, and the close frame is sent at most once,
 * never while a send is in flight: the portable Jakarta send path cannot queue a close
 * behind a running send (Tomcat drops the connection without a close frame).
 *
 * <p>A reply filling a reserved slot is accepted unless the outbox is already past its limit,
 * so one large reply (a recovery) can go out; anything offered after it while it waits is
 * over the limit and closes the connection.
 *
 * <p>A reserved slot holds back what is queued after it until it is filled; the dispatcher
 * uses one so that a reply reaches the client before messages that a request caused (such as
 * the first message of a new subscription). A closing that flushes (shutdown) waits for it.
 * A subscribe moves its slot behind what is queued when the subscription takes effect, so
 * that what was queued before that (older messages of the channel, through patterns already
 * held) goes out ahead of a reply whose position is after them.
 */
final class Outbox {

    /**
     * Writes messages. A sender that can batch takes up to {@link #maxBatch()} messages in a
     * row, all but the last with {@code more = true}, and writes them together after the last.
     */
    interface Sender {
        /** Calls {@code done} (null for a message with {@code more}) once the message is written or has failed. */
        void send(EncodedMessage message, boolean more, SendDone done);

        /** How many messages may go in one batch; 1 for a sender that writes one at a time. */
        default int maxBatch() {
            return 1;
        }

        /** Sends a ping frame; never blocks. Runs {@code written} once the frame is written, not if it fails. */
        void ping(Runnable written);

        /** Sends the close frame; never blocks. Called at most once, with nothing in flight. */
        void close(int code, String reason);

        /** Drops the connection without a close handshake; never blocks. */
        void abort();
    }

    @FunctionalInterface
    interface SendDone {
        void done(Throwable failure);
    }

    /** Hears once that the outbox started closing, and why. */
    @FunctionalInterface
    interface ClosingListener {
        /** @param dropped messages accepted and dropped unwritten */
        void closing(CloseStatus status, int dropped);
    }

    /** What an outbox may hold while its writes wait for the end of a run, at most (a quarter of its limit if less). */
    private static final long WRITE_BEHIND_BYTES = 64 * 1024;

    private final Object lock = new Object();
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private final List<EncodedMessage> batch = new ArrayList<>();   // the pumping thread's
    private final Sender sender;
    private final long maxBytes;
    private final long writeBehindBytes;   // WRITE_BEHIND_BYTES, or a quarter of maxBytes if less
    private final ClosingListener listener;
    private final Runnable pumpNow = this::pumpNow;   // one per outbox: a run writes each outbox once
    private long bytes;             // guarded by lock: accepted and not yet written, in flight included
    private long inFlight;          // guarded by lock: bytes of the send in flight
    private boolean sending;        // guarded by lock: a send is in flight
    private boolean pumping;        // guarded by lock: a thread is in drain()
    private CloseStatus closing;    // guarded by lock: set once
    private boolean closeSent;      // guarded by lock
    private boolean terminated;     // guarded by lock: the container closed the connection

    Outbox(Sender sender, long maxBytes, ClosingListener listener) {
        this.sender = sender;
        this.maxBytes = maxBytes;
        this.writeBehindBytes = Math.min(WRITE_BEHIND_BYTES, maxBytes / 4);
        this.listener = listener;
    }

    void offer(EncodedMessage message) {
        offer(List.of(message));
    }

    /** Queues messages in order, under one lock; the first that does not fit closes the connection. */
    void offer(List<EncodedMessage> messages) {
        boolean start = false;
        int dropped = -1;
        synchronized (lock) {
            if (closing != null || terminated) {
                return;
            }
            for (int i = 0; i < messages.size(); i++) {
                Slot slot = new Slot(messages.get(i), false);
                if (bytes + slot.size() > maxBytes) {
                    dropped = startClosingLocked(CloseStatus.SLOW_CONSUMER) + messages.size() - i;
                    break;
                }
                queue.add(slot);
                bytes += slot.size();
            }
            if (dropped < 0) {
                start = claimPumpLocked();
            }
        }
        if (dropped >= 0) {
            listener.closing(CloseStatus.SLOW_CONSUMER, dropped);
            closeIfDrained();
        } else if (start) {
            drain();
        }
    }

    /** A place for a reply; once closing has started, one whose reply is dropped (it was not queued before the close). */
    Slot reserve() {
        Slot slot = new Slot(null, true);
        synchronized (lock) {
            if (closing == null && !terminated) {
                queue.add(slot);
            } else {
                slot.pending = false;
            }
        }
        return slot;
    }

    /**
     * Moves a reserved slot that is still unfilled behind every message queued so far: what was
     * queued since its reservation goes ahead, and what is offered from now on waits behind it.
     * It stays ahead of other replies still waiting at the end of the queue, which hold nothing
     * back that it needs to precede.
     */
    void moveBehindQueued(Slot slot) {
        synchronized (lock) {
            if (!slot.pending || !queue.removeLastOccurrence(slot)) {
                return;   // filled already, or dropped with the queue
            }
            ArrayDeque<Slot> waitingReplies = new ArrayDeque<>();
            while (!queue.isEmpty() && queue.peekLast().pending) {
                waitingReplies.addFirst(queue.pollLast());
            }
            queue.add(slot);
            queue.addAll(waitingReplies);
        }
        pump();   // what it held back may go now
    }

    /**
     * Pings the peer unless a send is in flight (a write that makes no progress says more of the
     * peer than a ping could, and the container's idle timeout ends it) or closing has started.
     *
     * @param written runs once the ping is written
     * @return whether the ping was sent
     */
    boolean ping(Runnable written) {
        synchronized (lock) {
            if (sending || closing != null || terminated) {
                return false;
            }
        }
        sender.ping(written);
        return true;
    }

    /** Starts closing with {@code status}; false when closing had already started. */
    boolean close(CloseStatus status) {
        int dropped;
        synchronized (lock) {
            if (closing != null || terminated) {
                return false;
            }
            dropped = startClosingLocked(status);
        }
        listener.closing(status, dropped);
        closeIfDrained();
        return true;
    }

    /** The container has closed the connection: nothing more is sent. */
    void terminate() {
        synchronized (lock) {
            terminated = true;
            queue.clear();
        }
    }

    /** Sets the closing status; drops the queue unless the status flushes. Returns how many messages were dropped. */
    private int startClosingLocked(CloseStatus status) {
        closing = status;
        if (status.flush()) {
            return 0;
        }
        int dropped = 0;
        for (Slot slot : queue) {
            if (slot.message != null) {
                dropped++;
                bytes -= slot.size();
            }
        }
        queue.clear();
        return dropped;
    }

    /** Sends the close frame once closing has started and nothing is queued or in flight. */
    private void closeIfDrained() {
        CloseStatus status;
        synchronized (lock) {
            if (closing == null || closeSent || terminated || sending || pumping || !queue.isEmpty()) {
                return;
            }
            closeSent = true;
            status = closing;
        }
        sender.close(status.code(), status.reason());
    }

    /** Takes the pumping role if nobody holds it and nothing is in flight; the caller holds the lock. */
    private boolean claimPumpLocked() {
        if (pumping || sending) {
            return false;
        }
        pumping = true;
        return true;
    }

    /**
     * Starts writing what may go now; in a {@link WriteBehindThread} run, once the run ends, while
     * the outbox holds little. What waits for a run's end counts against the outbox's limit, and a
     * run's replies can be large (ten subscribes each recovering 100 KB would have closed the
     * connection as a slow consumer), so past that it all goes now.
     */
    private void pump() {
        if (!(Thread.currentThread() instanceof WriteBehindThread && holdsLittle() && WriteBehindThread.later(pumpNow))) {
            pumpNow();
        }
    }

    private boolean holdsLittle() {
        synchronized (lock) {
            return bytes <= writeBehindBytes;
        }
    }

    /** This connection's frame is about to be handled on this thread: a read run there keeps its writes only. */
    void readsHere() {
        WriteBehindThread.reads(pumpNow);
    }

    private void pumpNow() {
        synchronized (lock) {
            if (!claimPumpLocked()) {
                return;
            }
        }
        drain();
    }

    /**
     * The pumping role's loop: starts sends (one batch at a time) until the queue is empty,
     * blocked by a pending slot, or a send is in flight. A send that completes on the calling
     * thread only clears {@code sending}, and the loop goes on, so a long queue does not grow
     * the stack.
     */
    private void drain() {
        while (true) {
            synchronized (lock) {
                long size = 0;
                while (!sending && !terminated && batch.size() < sender.maxBatch()) {
                    Slot head = queue.peek();
                    if (head == null || head.pending) {
                        break;
                    }
                    queue.poll();
                    batch.add(head.message);
                    size += head.size();
                }
                if (batch.isEmpty()) {
                    pumping = false;
                    break;
                }
                sending = true;
                inFlight = size;
            }
            try {
                int last = batch.size() - 1;
                for (int i = 0; i < last; i++) {
                    sender.send(batch.get(i), true, null);
                }
                sender.send(batch.get(last), false, this::sent);
            } catch (RuntimeException e) {
                sent(e);
            }
            batch.clear();
        }
        closeIfDrained();
    }

    private void sent(Throwable failure) {
        boolean start = false;
        boolean abort = false;
        int dropped = -1;
        synchronized (lock) {
            sending = false;
            bytes -= inFlight;
            inFlight = 0;
            if (failure == null) {
                start = claimPumpLocked();
            } else if (!terminated && !closeSent) {
                // The connection is broken: no close handshake is possible, so drop it.
                if (closing == null) {
                    dropped = startClosingLocked(CloseStatus.SERVER_ERROR);
                }
                queue.clear();
                closeSent = true;
                abort = true;
            }
        }
        if (dropped >= 0) {
            listener.closing(CloseStatus.SERVER_ERROR, dropped);
        }
        if (abort) {
            sender.abort();
        } else if (start) {
            drain();
        } else {
            closeIfDrained();
        }
    }

    /** A queued message, or a reserved place for a reply. */
    final class Slot implements Caller.ReplySlot {
        private EncodedMessage message;   // guarded by lock once queued
        private boolean pending;          // guarded by lock once reserved

        Slot(EncodedMessage message, boolean pending) {
            this.message = message;
            this.pending = pending;
        }

        int size() {
            return message == null ? 0 : message.size();
        }

        @Override
        public void fill(String reply) {
            EncodedMessage filled = EncodedMessage.of(reply);
            int dropped = -1;
            synchronized (lock) {
                if (!pending || terminated || closing != null && !closing.flush()) {
                    return;   // closed without flushing: the reply is dropped with the rest
                }
                // A reply may take the outbox past its limit once (a recovery's can be large, and it is
                // bounded); what is offered after it then finds the outbox over the limit.
                if (bytes > maxBytes && closing == null) {
                    dropped = startClosingLocked(CloseStatus.SLOW_CONSUMER) + 1;
                } else {
                    message = filled;
                    pending = false;
                    bytes += filled.size();
                }
            }
            if (dropped >= 0) {
                listener.closing(CloseStatus.SLOW_CONSUMER, dropped);
                closeIfDrained();
            } else {
                pump();
                closeIfDrained();
            }
        }
    }
}
