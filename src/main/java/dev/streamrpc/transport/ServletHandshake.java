package dev.streamrpc.transport;

import dev.streamrpc.api.Handshake;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A handshake seen through the servlet request that carries it. */
record ServletHandshake(HttpServletRequest request) implements Handshake {

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    @Override
    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(request.getParameter(name));
    }

    @Override
    public List<String> subprotocols() {
        List<String> offered = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String protocol : header.split(",")) {
                if (!protocol.isBlank()) {
                    offered.add(protocol.trim());
                }
            }
        }
        return offered;
    }

    @Override
    public Optional<Principal> containerPrincipal() {
        return Optional.ofNullable(request.getUserPrincipal());
    }
}
