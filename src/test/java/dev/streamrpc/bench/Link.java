package dev.streamrpc.bench;

import dev.streamrpc.testing.CoreConnection;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the generator to one server, in that server's {@link Wire} protocol.
 * It is ready once requests may be sent: at once for StreamRPC's protocol, after the
 * namespace handshake for Socket.IO.
 */
final class Link {

    /** What the generator does with what a server sends; called on the client's I/O threads. */
    interface Listener {
        /**
         * A reply to the request with this id (an acknowledgement, for Socket.IO); {@code error}
         * is the frame when the reply reports an error, else null.
         */
        void reply(Link link, long id, ByteBuffer error);

        /** A message delivered by a subscription. */
        default void message(ByteBuffer frame) {
        }
    }

    private final Wire wire;
    private final CoreConnection connection;
    private final CompletableFuture<Link> ready = new CompletableFuture<>();

    private Link(Wire wire, Listener listener) {
        this.wire = wire;
        this.connection = new CoreConnection(frame -> wire.received(frame, this, listener));
    }

    /** Opens a link; the stage completes when it is ready, or fails within 30 s. */
    static CompletableFuture<Link> open(WebSocketCoreClient client, Configuration.ConfigurationCustomizer configuration,
                                        URI uri, Wire wire, Listener listener) {
        Link link = new Link(wire, listener);
        CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uri, link.connection);
        request.setConfiguration(configuration);
        try {
            client.connect(request).whenComplete((session, failure) -> {
                if (failure != null) {
                    link.ready.completeExceptionally(failure);
                } else if (wire.readyWhenOpen()) {
                    link.ready.complete(link);
                }
            });
        } catch (IOException e) {
            link.ready.completeExceptionally(e);
        }
        return link.ready.orTimeout(30, TimeUnit.SECONDS);
    }

    /** Sends a call of {@code method}; {@code payload} is a JSON object. */
    void request(long id, String method, String payload) {
        connection.send(wire.request(id, method, payload));
    }

    void close() {
        connection.close();
    }

    /** How the server closed this link, if it did: a link closed under load is a failure to report, not a stall. */
    String closedBy() {
        return connection.closed().isDone() ? connection.closed().join().toString() : null;
    }

    /** A frame of the protocol itself (a pong, a namespace connect). */
    void send(String text) {
        connection.send(text);
    }

    /** The protocol's own handshake is done: requests may be sent. */
    void connected() {
        ready.complete(this);
    }

    /** The server refused the link or ended it at protocol level. */
    void refused(String why) {
        ready.completeExceptionally(new IllegalStateException("refused: " + why));
    }
}
