package dev.streamrpc.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The {@code /stream} endpoint: one instance per connection, a thin adapter from Jakarta
 * WebSocket callbacks to {@link Connections}. The container calls {@code onText} for one
 * connection at a time, so a connection's requests are seen in order.
 */
@ServerEndpoint(value = "/stream", configurator = StreamConfigurator.class)
public class StreamEndpoint {

    /** Status 1003: the protocol speaks text frames only. */
    static final int UNSUPPORTED_DATA = 1003;
    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoint.class);

    private final Connections connections;
    private WebSocketConnection connection;

    StreamEndpoint(Connections connections) {
        this.connections = connections;
    }

    @OnOpen
    public void onOpen(Session session) {
        connection = connections.open(session);
    }

    @OnMessage
    public void onText(String frame) {
        connections.onText(connection, frame);
    }

    @OnMessage
    public void onBinary(ByteBuffer frame) {
        connection.close(UNSUPPORTED_DATA, "text frames only");
    }

    @OnClose
    public void onClose(CloseReason reason) {
        connections.closed(connection, reason);
    }

    @OnError
    public void onError(Throwable failure) {
        // The container closes the connection (1007, 1009, I/O errors); this is only a record of why.
        LOG.debug("WebSocket error on connection {}", connection == null ? "?" : connection.id(), failure);
    }
}
