package dev.streamrpc.transport;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collections;

/**
 * Answers a WebSocket handshake on {@code /stream} that {@link Handshakes} refuses with its
 * HTTP status, before the container upgrades it; lets the others through, with their
 * principal held for the configurator, in an {@link UpgradingRequest} that lets go of the HTTP
 * exchange once they are upgraded. Plain requests pass untouched.
 */
final class HandshakeGuard extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGuard.class);

    private final transient Handshakes handshakes;
    private final transient TransportStats stats;

    HandshakeGuard(Handshakes handshakes, TransportStats stats) {
        this.handshakes = handshakes;
        this.stats = stats;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!isHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        Handshakes.Admission admission = handshakes.admit(request);
        if (!admission.accepted()) {
            // Counted, and logged at DEBUG: anyone can send refused handshakes as fast as they like.
            stats.refusedHandshake(admission.status());
            LOG.debug("Refused a handshake from {} with {}: {}", request.getRemoteAddr(), admission.status(), admission.reason());
            response.sendError(admission.status(), admission.reason());
            return;
        }
        String key = request.getHeader("Sec-WebSocket-Key");
        handshakes.hold(key, admission.principal());
        UpgradingRequest upgrading = new UpgradingRequest(request);
        try {
            chain.doFilter(upgrading, response); // the container upgrades here, calling the configurator
        } finally {
            handshakes.release(key);
            handshakes.finished();
        }
        if (response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS && !request.isAsyncStarted()) {
            upgrading.upgraded();
        }
    }

    /**
     * Whether the container could take the request for a WebSocket handshake. Containers read
     * {@code Upgrade} differently (Jetty takes the last of several headers, Tomcat any token of a
     * list), so any {@code websocket} token in any of them counts; so does a handshake's key or an
     * HTTP/2 {@code CONNECT} (RFC 8441), which carries no {@code Upgrade} at all. Missing one
     * would let a handshake past the origin check and the authenticator.
     */
    private static boolean isHandshake(HttpServletRequest request) {
        if (request.getHeader("Sec-WebSocket-Key") != null || "CONNECT".equals(request.getMethod())) {
            return true;
        }
        for (String header : Collections.list(request.getHeaders("Upgrade"))) {
            for (String token : header.split(",")) {
                if (token.trim().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }
}
