package dev.streamrpc.transport;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seam between the outbox and the container. On Jetty, {@link JettySender} writes the
 * message's UTF-8 bytes, encoded once per publication, straight into Jetty's frames and
 * batches a backlog into one write. Anywhere else (Tomcat, or Jetty with its classes hidden
 * from the web app), the portable Jakarta {@code sendText}, one message at a time, which
 * encodes the text again for each connection.
 */
final class Senders {

    private static final Logger LOG = LoggerFactory.getLogger(Senders.class);
    private static final String JETTY_SESSION = "org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession";
    private static volatile boolean jettyUnavailable;

    private Senders() {
    }

    static Outbox.Sender of(Session session) {
        if (!jettyUnavailable && isJetty(session.getClass())) {
            try {
                return new JettySender(session);
            } catch (LinkageError e) {
                jettyUnavailable = true;
                LOG.info("Jetty's WebSocket classes are hidden from the web app; using the portable Jakarta send path");
            }
        }
        return jakarta(session.getAsyncRemote());
    }

    static Outbox.Sender jakarta(RemoteEndpoint.Async remote) {
        return (message, more, done) -> remote.sendText(message.text(), result -> {
            if (done != null) {
                done.done(result.getException());
            }
        });
    }

    private static boolean isJetty(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(JETTY_SESSION)) {
                return true;
            }
        }
        return false;
    }
}
