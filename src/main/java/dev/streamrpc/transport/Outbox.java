package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.rpc.RpcSession;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One connection's bounded outbound queue. Offers never block: they queue under a short lock
 * and at most one send is in flight, written outside the lock. When the queued bytes would
 * pass the limit, everything queued is dropped and the overflow action (closing the
 * connection) runs once; nobody else is slowed.
 *
 * <p>A reserved slot holds back what is queued after it until it is filled or released; the
 * dispatcher uses one so that a reply reaches the client before messages that a request
 * caused (such as the first message of a new subscription).
 */
final class Outbox {

    /**
     * Writes messages. A sender that can batch takes up to {@link #maxBatch()} messages in a
     * row, all but the last with {@code more = true}, and writes them together after the last.
     */
    interface Sender {
        /** Calls {@code done} (may be null for a message with {@code more}) once the message is written or has failed. */
        void send(EncodedMessage message, boolean more, SendDone done);

        /** How many messages may go in one batch; 1 for a sender that writes one at a time. */
        default int maxBatch() {
            return 1;
        }
    }

    @FunctionalInterface
    interface SendDone {
        void done(Throwable failure);
    }

    private final Object lock = new Object();
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private final Sender sender;
    private final long maxQueuedBytes;
    private final IntConsumer onOverflow;
    private long queuedBytes;      // guarded by lock
    private boolean sending;       // guarded by lock: a send is in flight
    private boolean pumping;       // guarded by lock: a thread is in pump()
    private boolean closed;        // guarded by lock

    /** {@code onOverflow} is given how many messages were dropped, the refused one included. */
    Outbox(Sender sender, long maxQueuedBytes, IntConsumer onOverflow) {
        this.sender = sender;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onOverflow = onOverflow;
    }

    void offer(EncodedMessage message) {
        enqueue(new Slot(message));
    }

    RpcSession.ReplySlot reserve() {
        Slot slot = new Slot(null);
        slot.pending = true;
        enqueue(slot);
        return slot;
    }

    /** Drops what is queued, and returns how many messages that was; later offers are ignored. */
    int close() {
        synchronized (lock) {
            closed = true;
            int dropped = (int) queue.stream().filter(slot -> slot.message != null).count();
            queue.clear();
            queuedBytes = 0;
            return dropped;
        }
    }

    long queuedBytes() {
        synchronized (lock) {
            return queuedBytes;
        }
    }

    private void enqueue(Slot slot) {
        boolean overflow;
        boolean start = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            overflow = queuedBytes + slot.size() > maxQueuedBytes;
            if (!overflow) {
                queue.add(slot);
                queuedBytes += slot.size();
                // While a send is in flight its completion drains the queue: nothing to start here.
                start = claimPumpLocked();
            }
        }
        if (overflow) {
            onOverflow.accept(close() + 1);
        } else if (start) {
            drain();
        }
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
     * Starts sends (one batch at a time) until the queue is empty, blocked by a pending slot,
     * or a send is in flight. A send that completes on the calling thread only clears
     * {@code sending}, and the loop goes on, so a long queue does not grow the stack.
     */
    private void pump() {
        synchronized (lock) {
            if (!claimPumpLocked()) {
                return;
            }
        }
        drain();
    }

    /** The pumping role's loop; see {@link #pump()}. */
    private void drain() {
        List<EncodedMessage> batch = new ArrayList<>();
        while (true) {
            synchronized (lock) {
                while (!sending && !closed && batch.size() < sender.maxBatch()) {
                    Slot head = queue.peek();
                    if (head == null || head.pending) {
                        break;
                    }
                    queue.poll();
                    queuedBytes -= head.size();
                    if (head.message != null) { // else a released slot
                        batch.add(head.message);
                    }
                }
                if (batch.isEmpty()) {
                    pumping = false;
                    return;
                }
                sending = true;
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
    }

    private void sent(Throwable failure) {
        boolean start;
        synchronized (lock) {
            sending = false;
            if (failure != null) {
                // The transport reports the failure and closes the connection itself.
                closed = true;
                queue.clear();
                queuedBytes = 0;
            }
            start = claimPumpLocked();
        }
        if (start) {
            drain();
        }
    }

    private final class Slot implements RpcSession.ReplySlot {
        private EncodedMessage message;   // guarded by lock once queued
        private boolean pending;          // guarded by lock once queued

        Slot(EncodedMessage message) {
            this.message = message;
        }

        int size() {
            return message == null ? 0 : message.size();
        }

        @Override
        public void fill(String reply) {
            EncodedMessage filled = EncodedMessage.of(reply);
            boolean overflow;
            synchronized (lock) {
                if (closed || !pending) {
                    return;
                }
                overflow = queuedBytes + filled.size() > maxQueuedBytes;
                message = filled;
                pending = false;
                queuedBytes += filled.size();
            }
            if (overflow) {
                onOverflow.accept(close() + 1);
            } else {
                pump();
            }
        }

        @Override
        public void release() {
            synchronized (lock) {
                pending = false;
            }
            pump();
        }
    }
}
