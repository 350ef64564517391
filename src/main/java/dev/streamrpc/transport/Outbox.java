package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.rpc.RpcSession;

import java.util.ArrayDeque;
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

    /** Writes one message; calls {@code done} when it is written or has failed. */
    interface Sender {
        void send(EncodedMessage message, SendDone done);
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
        synchronized (lock) {
            if (closed) {
                return;
            }
            overflow = queuedBytes + slot.size() > maxQueuedBytes;
            if (!overflow) {
                queue.add(slot);
                queuedBytes += slot.size();
            }
        }
        afterQueueing(overflow);
    }

    private void afterQueueing(boolean overflow) {
        if (overflow) {
            onOverflow.accept(close() + 1);
        } else {
            pump();
        }
    }

    /**
     * Starts sends until the queue is empty, blocked by a pending slot, or a send is in
     * flight. A send that completes on the calling thread only clears {@code sending}, and the
     * loop goes on, so a long queue does not grow the stack.
     */
    private void pump() {
        synchronized (lock) {
            if (pumping) {
                return;
            }
            pumping = true;
        }
        while (true) {
            EncodedMessage next;
            synchronized (lock) {
                Slot head = queue.peek();
                if (sending || closed || head == null || head.pending) {
                    pumping = false;
                    return;
                }
                queue.poll();
                queuedBytes -= head.size();
                next = head.message;
                if (next == null) {
                    continue; // a released slot
                }
                sending = true;
            }
            try {
                sender.send(next, this::sent);
            } catch (RuntimeException e) {
                sent(e);
            }
        }
    }

    private void sent(Throwable failure) {
        synchronized (lock) {
            sending = false;
            if (failure != null) {
                // The transport reports the failure and closes the connection itself.
                closed = true;
                queue.clear();
                queuedBytes = 0;
            }
        }
        pump();
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
            afterQueueing(overflow);
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
