package dev.streamrpc.api;

import java.security.Principal;

/**
 * Decides who may open a connection. Provide one as a CDI bean; without one, anyone may
 * connect. It runs once per WebSocket handshake, before the upgrade, on the container's
 * request thread.
 */
public interface ConnectionAuthenticator {

    /**
     * Returns the connection's principal, which RPC methods then see through
     * {@link RpcContext#principal()}, or throws to refuse the handshake.
     *
     * @throws HandshakeRefused to answer the handshake with HTTP 401 or 403
     */
    Principal authenticate(Handshake handshake) throws HandshakeRefused;
}
