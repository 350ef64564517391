package dev.streamrpc.transport;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

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

    HandshakeGuard(Handshakes handshakes) {
        this.handshakes = handshakes;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        Handshakes.Admission admission = handshakes.admit(request);
        if (!admission.accepted()) {
            LOG.info("Refused a handshake from {} with {}: {}", request.getRemoteAddr(), admission.status(), admission.reason());
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
        }
        if (response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS && !request.isAsyncStarted()) {
            upgrading.upgraded();
        }
    }
}
