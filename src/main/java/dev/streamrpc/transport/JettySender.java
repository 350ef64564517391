package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import jakarta.websocket.Session;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;

/**
 * Sends through Jetty's core session: each connection's frame wraps the same UTF-8 bytes (no
 * encoding per subscriber), and frames sent with {@code more} are batched by Jetty and
 * written with the last one. Closing and aborting never block. Loaded only on Jetty, through
 * {@link Senders}; it is the one place that holds Jetty's core session, so it sizes the
 * session's input buffer too.
 */
final class JettySender implements Outbox.Sender {

    /** Frames per write: as many as a channel hands a member in one fan-out batch (Channel.MAX_BATCH). */
    private static final int MAX_BATCH = 64;
    /**
     * The session's input buffer, 4,096 bytes by default. Jetty reads the network into a pooled
     * buffer of this size, and gathers every text message in a new builder of this capacity: a
     * request of a few dozen bytes left 4 KB of garbage, a quarter of what a subscribe storm
     * allocated (async-profiler, see bench/NOTES.md). 1,024 bytes still take a client's typical
     * burst (ten subscribes) in one read; a larger message grows its builder and takes more reads.
     */
    static final int INPUT_BUFFER_BYTES = 1024;
    private final CoreSession session;

    /** Also sizes the session's input buffer, before its first message. */
    JettySender(Session session) {
        this.session = ((JakartaWebSocketSession) session).getCoreSession();
        this.session.setInputBufferSize(INPUT_BUFFER_BYTES);
    }

    @Override
    public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
        // A buffer per frame (Jetty consumes its position), over the bytes shared by all.
        Frame frame = new Frame(OpCode.TEXT, ByteBuffer.wrap(message.utf8()));
        Callback callback = done == null ? Callback.NOOP : Callback.from(() -> done.done(null), done::done);
        session.sendFrame(frame, callback, more);
    }

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    @Override
    public void ping(Runnable written) {
        session.sendFrame(new Frame(OpCode.PING), Callback.from(written), false);
    }

    @Override
    public void close(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
    }

    @Override
    public void abort() {
        session.abort();
    }
}
