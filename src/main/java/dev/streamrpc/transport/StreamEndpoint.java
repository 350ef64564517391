package dev.streamrpc.transport;

import dev.streamrpc.pubsub.CloseStatus;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
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
 */
@ServerEndpoint(value = "/stream", configurator = StreamConfigurator.class,
        decoders = {FrameDecoders.Text.class, FrameDecoders.Binary.class})
public class StreamEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

    private final Transport transport;
    private Connection connection;   // null until opened, and if opening failed

    StreamEndpoint(Transport transport) {
        this.transport = transport;
    }

    @OnOpen
    public void onOpen(Session session) {
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

    @OnMessage
    public void onText(String frame) {
        if (connection != null) {
            connection.onText(frame);
        }
    }

    @OnMessage
    public void onBinary(ByteBuffer frame) {
        if (connection != null) {
            connection.close(CloseStatus.BINARY_FRAME);
        }
    }

    @OnClose
    public void onClose(CloseReason reason) {
        if (connection != null) {
            connection.onClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void onError(Throwable failure) {
        // The container closes the connection (1007, 1009, I/O errors); this is only a record of why.
        LOG.debug("WebSocket error on connection {}", connection == null ? "?" : connection.id(), failure);
    }
}
