package dev.streamrpc.broker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of publications a server holds on their way: sent to the broker and not yet
 * acknowledged, or received and not yet handed to connections' outboxes. One budget
 * ({@code stream.max-pending-bytes}) bounds them all, so a slow Redis or a flood of inbound
 * publications cannot grow the heap without limit: past it, publishing is refused and
 * inbound publications are dropped (and counted).
 */
public final class PendingBytes {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public PendingBytes(long limit) {
        this.limit = limit;
    }

    /** Charges {@code bytes} if they fit under the limit; false when they do not. */
    public boolean tryCharge(long bytes) {
        long current;
        do {
            current = used.get();
            if (current + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes held now. */
    public long used() {
        return used.get();
    }
}
