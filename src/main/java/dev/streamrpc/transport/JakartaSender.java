package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The portable send path (Tomcat, or Jetty with its classes hidden from the web app): the
 * asynchronous Jakarta {@code sendText}, one message at a time, which encodes the text again
 * for each connection. {@code Session.close} and {@code sendPing} may block until their frame is
 * written (Tomcat's do; Jetty's {@code sendPing} without a timeout), so closes run on the
 * transport's closer threads and pings on its pinger threads, never on the caller's, and a
 * ping stuck behind a peer that reads nothing holds up no close.
 */
final class JakartaSender implements Outbox.Sender {

    private static final Logger LOG = LoggerFactory.getLogger(JakartaSender.class);
    private final Session session;
    private final Executor closer;
    private final Executor pinger;

    JakartaSender(Session session, Executor closer, Executor pinger) {
        this.session = session;
        this.closer = closer;
        this.pinger = pinger;
    }

    @Override
    public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
        session.getAsyncRemote().sendText(message.text(), result -> {
            if (done != null) {
                done.done(result.getException());
            }
        });
    }

    @Override
    public void ping(Runnable written) {
        pinger.execute(() -> {
            try {
                session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
                written.run();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Pinging session {} failed", session.getId(), e);
            }
        });
    }

    @Override
    public void close(int code, String reason) {
        closer.execute(() -> closeNow(code, reason));
    }

    /** Jakarta has no abort: a close that the broken connection cannot carry is the nearest. */
    @Override
    public void abort() {
        close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "");
    }

    private void closeNow(int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing session {} failed", session.getId(), e);
        }
    }
}
