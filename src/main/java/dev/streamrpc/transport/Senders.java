package dev.streamrpc.transport;

import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;

/**
 * The seam between the outbox and the container: {@link JettySender} on Jetty (shared UTF-8
 * bytes, batched writes), {@link JakartaSender} anywhere else, or when Jetty's classes are
 * hidden from the web app, or when {@code stream.send-path=jakarta} asks for it.
 */
final class Senders {

    private static final Logger LOG = LoggerFactory.getLogger(Senders.class);
    private static final String JETTY_SESSION = "org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession";
    private static volatile boolean jettyUnavailable;

    private Senders() {
    }

    static Outbox.Sender of(Session session, boolean portableOnly, Executor closer, Executor pinger) {
        if (!portableOnly && !jettyUnavailable && isJetty(session.getClass())) {
            try {
                return new JettySender(session);
            } catch (LinkageError e) {
                jettyUnavailable = true;
                LOG.info("Jetty's WebSocket classes are hidden from the web app; using the portable Jakarta send path");
            }
        }
        return new JakartaSender(session, closer, pinger);
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
