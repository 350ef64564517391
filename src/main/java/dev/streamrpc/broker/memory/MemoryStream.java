package dev.streamrpc.broker.memory;

import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One channel's stream in the memory broker: its epoch, its offset counter, its history (a
 * bounded ring), and the ordered hand-off of its publications to the callback. Its monitor
 * is held only for a few operations, never while the callback runs: publishers append under
 * it (so offset order is append order), and whichever finds nobody handing publications to
 * the callback does so, in offset order, outside the monitor.
 */
final class MemoryStream {

    /** A held publication, with when it was published (milliseconds) and its size. */
    private record Held(Publication publication, long at) {
    }

    private final String channel;
    private final String epoch;
    private final int size;
    private final AtomicLong heldBytes;          // shared by every stream of the broker
    // Small at first: most streams are quiet (see Channel's fields); a busy one grows once.
    private final ArrayDeque<Held> history = new ArrayDeque<>(1);          // guarded by this
    private final ArrayDeque<Publication> outgoing = new ArrayDeque<>(1);  // guarded by this
    private long offset;                         // guarded by this
    private long lastActivity;                   // guarded by this
    private boolean delivering;                  // guarded by this

    MemoryStream(String channel, String epoch, int size, AtomicLong heldBytes, long now) {
        this.channel = channel;
        this.epoch = epoch;
        this.size = size;
        this.heldBytes = heldBytes;
        this.lastActivity = now;
    }

    /**
     * Appends a publication: the next offset, kept in the history if there is room, and
     * queued for the callback when {@code deliver}. Returns whether the caller must hand
     * queued publications to the callback (nobody else is doing it).
     */
    synchronized boolean append(String event, EncodedMessage message, long now, long maxHeldBytes, boolean deliver) {
        Publication publication = new Publication(epoch, ++offset, event, message);
        lastActivity = now;
        if (size > 0) {
            keep(new Held(publication, now), maxHeldBytes);
        }
        if (!deliver) {
            return false;
        }
        outgoing.add(publication);
        if (delivering) {
            return false;
        }
        delivering = true;
        return true;
    }

    /**
     * Keeps a publication: the oldest go first to stay within the stream's size, then within
     * the broker's byte bound (this stream's own oldest first); when even an empty ring has no
     * room under that bound, the publication is delivered but not kept.
     */
    private void keep(Held held, long maxHeldBytes) {
        if (history.size() == size) {
            forget(history.poll());
        }
        long bytes = held.publication().message().size();
        while (heldBytes.get() + bytes > maxHeldBytes && !history.isEmpty()) {
            forget(history.poll());
        }
        if (heldBytes.get() + bytes <= maxHeldBytes) {
            history.add(held);
            heldBytes.addAndGet(bytes);
        }
    }

    private void forget(Held held) {
        heldBytes.addAndGet(-held.publication().message().size());
    }

    /** Hands queued publications to the callback, in order, until none is left. */
    void deliverQueued(BrokerCallback callback) {
        while (true) {
            Publication next;
            synchronized (this) {
                next = outgoing.poll();
                if (next == null) {
                    delivering = false;
                    return;
                }
            }
            callback.onPublication(channel, next);
        }
    }

    synchronized StreamState state() {
        return new StreamState(epoch, offset);
    }

    /** The held publications after {@code after} that are younger than {@code ttlMillis}, at most {@code limit}. */
    synchronized History after(long after, int limit, long now, long ttlMillis) {
        List<Publication> found = new ArrayList<>();
        for (Held held : history) {
            if (found.size() == limit) {
                break;
            }
            if (held.publication().offset() > after && now - held.at() <= ttlMillis) {
                found.add(held.publication());
            }
        }
        return new History(new StreamState(epoch, offset), found);
    }

    /** Drops publications older than the TTL; true when the stream has been idle that long and holds nothing. */
    synchronized boolean expire(long now, long ttlMillis) {
        while (!history.isEmpty() && now - history.peek().at() > ttlMillis) {
            forget(history.poll());
        }
        return history.isEmpty() && now - lastActivity > ttlMillis && outgoing.isEmpty();
    }

    /** Releases what the stream holds; it is gone. */
    synchronized void drop() {
        while (!history.isEmpty()) {
            forget(history.poll());
        }
    }

    synchronized int held() {
        return history.size();
    }
}
