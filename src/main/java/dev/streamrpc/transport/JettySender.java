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
 * {@link Senders}.
 */
final class JettySender implements Outbox.Sender {

    /** Frames per write: as many as a channel hands a member in one fan-out batch (Channel.MAX_BATCH). */
    private static final int MAX_BATCH = 64;
    private final CoreSession session;

    JettySender(Session session) {
        this.session = ((JakartaWebSocketSession) session).getCoreSession();
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
    public void close(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
    }

    @Override
    public void abort() {
        session.abort();
    }
}
