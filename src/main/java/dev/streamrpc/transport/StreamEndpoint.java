package dev.streamrpc.transport;

import dev.streamrpc.pubsub.CloseStatus;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The {@code /stream} endpoint: one instance per connection, a thin adapter from the
 * container's callbacks to its {@link Connection}. The container calls {@code onText} for
 * one connection at a time, so a connection's requests are seen in order.
 * <p>
 * The annotation deploys it, as any annotated endpoint is deployed (found by scanning, with its
 * path and configurator). Its callbacks are those of a programmatic {@link Endpoint}, with the
 * message handlers added on open: for an annotated class, Jetty works out the
 * {@code @OnOpen}/{@code @OnMessage}/… methods again for every connection, by reflection and
 * method handles (about 40 KB of garbage per handshake and a large share of its CPU; see
 * bench/NOTES.md), while for an {@code Endpoint} it calls these three methods. Jetty and Tomcat
 * both take a class that extends {@code Endpoint} as one.
 */
@ServerEndpoint(value = "/stream", configurator = StreamConfigurator.class)
public class StreamEndpoint extends Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

    private final Transport transport;
    private Connection connection;   // null until opened, and if opening failed

    StreamEndpoint(Transport transport) {
        this.transport = transport;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, this::onText);
        // Partial: a whole-message handler would gather every fragment first, and answer one over
        // the container's binary limit with 1009 instead of the protocol's 1003.
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) this::onPong);
        try {
            connection = transport.open(session);
        } catch (RuntimeException e) {
            LOG.error("Could not open a connection; closing it", e);
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(CloseStatus.SERVER_ERROR.code()),
                        CloseStatus.SERVER_ERROR.reason()));
            } catch (IOException | RuntimeException closing) {
                LOG.debug("Closing a connection that failed to open failed too", closing);
            }
        }
    }

    void onText(String frame) {
        if (connection != null) {
            connection.onText(frame);
        }
    }

    void onPong(PongMessage pong) {
        if (connection != null) {
            connection.onPong();
        }
    }

    void onBinary(ByteBuffer fragment, boolean last) {
        if (connection != null) {
            connection.close(CloseStatus.BINARY_FRAME);
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            connection.onClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        // The container closes the connection (1007, 1009, I/O errors); this is only a record of why.
        LOG.debug("WebSocket error on connection {}", connection == null ? "?" : connection.id(), failure);
    }
}
