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
import java.util.concurrent.atomic.LongAdder;

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

    /*
     * What the broker's byte bound counts is heap, not only frames: a stream, and each publication
     * it holds, cost a fixed amount besides their strings. Figures for a 64-bit JVM with
     * compressed pointers (12-byte headers, 8-byte alignment), checked with a class histogram
     * (jcmd GC.class_histogram) of 100,000 streams: 305 B each with no publication, and 285 B per
     * held publication of a 47-byte frame and a 1-character event, against the formulas' 305 and 287.
     *
     * A stream: MemoryStream 56, two ArrayDeques 48 and their first arrays 48, its
     * ConcurrentHashMap node 32 and table slots about 11, its epoch (String and array) 56, and
     * the channel's String 24 and array header 16, plus a byte per character.
     */
    private static final long STREAM_BYTES = 296;
    /*
     * A held publication: Held 24, Publication 32, EncodedMessage 24, the frame's bytes with
     * their array header 16 and its text (which EncodedMessage.of keeps) with String 24 and array
     * header 16, the event's String 24 and array header 16, a slot of the ring (growing, up to 8),
     * and alignment; plus the frame twice (bytes and Latin-1 text: JSON is mostly ASCII; a frame
     * with characters beyond Latin-1 has a text up to twice that) and the event's characters.
     */
    private static final long PUBLICATION_BYTES = 192;

    /** What a stream of this channel counts against the broker's bound before it holds anything. */
    static long streamBytes(String channel) {
        return STREAM_BYTES + channel.length();
    }

    /** What holding this publication counts against the broker's bound. */
    static long publicationBytes(String event, EncodedMessage message) {
        return PUBLICATION_BYTES + 2L * message.size() + event.length();
    }

    private final String channel;
    private final String epoch;
    private final int size;
    private final AtomicLong heldBytes;          // shared by every stream of the broker
    private final LongAdder heldPublications;    // shared too: a metrics scrape reads it without visiting every stream
    // Small at first: most streams are quiet (see Channel's fields); a busy one grows once.
    private final ArrayDeque<Held> history = new ArrayDeque<>(1);          // guarded by this
    private final ArrayDeque<Publication> outgoing = new ArrayDeque<>(1);  // guarded by this
    private long offset;                         // guarded by this
    private long lastActivity;                   // guarded by this
    private boolean delivering;                  // guarded by this

    MemoryStream(String channel, String epoch, int size, AtomicLong heldBytes, LongAdder heldPublications, long now) {
        this.channel = channel;
        this.epoch = epoch;
        this.size = size;
        this.heldBytes = heldBytes;
        this.heldPublications = heldPublications;
        this.lastActivity = now;
        heldBytes.addAndGet(streamBytes(channel));
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
        long bytes = bytes(held);
        while (heldBytes.get() + bytes > maxHeldBytes && !history.isEmpty()) {
            forget(history.poll());
        }
        if (heldBytes.get() + bytes <= maxHeldBytes) {
            history.add(held);
            heldBytes.addAndGet(bytes);
            heldPublications.increment();
        }
    }

    private void forget(Held held) {
        heldBytes.addAndGet(-bytes(held));
        heldPublications.decrement();
    }

    private static long bytes(Held held) {
        return publicationBytes(held.publication().event(), held.publication().message());
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

    /** Releases what the stream holds, and the stream itself; it is gone. */
    synchronized void drop() {
        while (!history.isEmpty()) {
            forget(history.poll());
        }
        heldBytes.addAndGet(-streamBytes(channel));
    }

    synchronized int held() {
        return history.size();
    }
}
