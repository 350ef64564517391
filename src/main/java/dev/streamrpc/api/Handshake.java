package dev.streamrpc.api;

import java.security.Principal;
import java.util.List;
import java.util.Optional;

/** The HTTP request that asks to open a WebSocket, as a {@link ConnectionAuthenticator} sees it. */
public interface Handshake {

    /** The first value of a request header, if present (names are case-insensitive). */
    Optional<String> header(String name);

    /** The first value of a query parameter, if present. */
    Optional<String> queryParameter(String name);

    /** The subprotocols offered in {@code Sec-WebSocket-Protocol}, in order; a token may travel here. */
    List<String> subprotocols();

    /** The principal the servlet container authenticated, if any. */
    Optional<Principal> containerPrincipal();
}
