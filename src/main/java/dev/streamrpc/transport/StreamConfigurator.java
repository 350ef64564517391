package dev.streamrpc.transport;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Creates endpoint instances with their CDI collaborators. Looking the bean up through
 * {@code CDI.current()} works on any Jakarta EE 10 container (Jetty, Tomcat) without
 * container-specific decorators.
 */
public class StreamConfigurator extends ServerEndpointConfig.Configurator {

    private volatile Transport transport;
    private volatile Handshakes handshakes;

    /** Moves the principal that {@link HandshakeGuard} admitted into the new session's properties. */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        List<String> key = request.getHeaders().entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("Sec-WebSocket-Key"))
                .map(Map.Entry::getValue).findFirst().orElse(List.of());
        Principal principal = key.isEmpty() ? null : handshakes().take(key.get(0));
        if (principal != null) {
            config.getUserProperties().put(Handshakes.PRINCIPAL, principal);
        }
    }

    /**
     * Accepts the client's first offered subprotocol, so that a browser that sends a token as
     * {@code new WebSocket(url, ["bearer", token])} completes its handshake (browsers fail a
     * handshake whose reply names no protocol they offered).
     */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        return requested.isEmpty() ? "" : requested.get(0);
    }

    /**
     * No {@code permessage-deflate} unless {@code stream.compression} asks for it. Browsers offer
     * it on every connection, and a connection that uses it keeps a deflater and an inflater for
     * its whole life (about 100 KiB together, ten times what an idle connection costs otherwise) and
     * compresses each delivery for itself, so fan-out pays once per subscriber; the small JSON
     * frames of this protocol gain little from it.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return transport().settings().compression() ? super.getNegotiatedExtensions(installed, requested) : List.of();
    }

    private Handshakes handshakes() {
        Handshakes current = handshakes;
        if (current == null) {
            current = CDI.current().select(Handshakes.class).get();
            handshakes = current;
        }
        return current;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new StreamEndpoint(transport()));
    }

    private Transport transport() {
        Transport current = transport;
        if (current == null) {
            current = CDI.current().select(Transport.class).get();
            transport = current;
        }
        return current;
    }
}
