package dev.streamrpc.transport;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Creates endpoint instances with their CDI collaborators. Looking the bean up through
 * {@code CDI.current()} works on any Jakarta EE 10 container (Jetty, Tomcat) without
 * container-specific decorators.
 */
public class StreamConfigurator extends ServerEndpointConfig.Configurator {

    private static final String BEARER = "bearer";
    /** An HTTP token (RFC 9110), which a subprotocol must be. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
     * Accepts {@code bearer} when offered, so that a browser that sends a token as
     * {@code new WebSocket(url, ["bearer", token])} completes its handshake (browsers fail a
     * handshake whose reply names no protocol they offered); otherwise the first offer that is
     * an HTTP token. The first offer used to be echoed whatever it was: a token offered before
     * {@code bearer} went back in the response (where proxies log it), and an offer that is not
     * a token went out as a malformed header.
     */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        if (requested.contains(BEARER)) {
            return BEARER;
        }
        return requested.stream().filter(TOKEN.asMatchPredicate()).findFirst().orElse("");
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
