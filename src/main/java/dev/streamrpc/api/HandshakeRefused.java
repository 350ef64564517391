package dev.streamrpc.api;

/** Refuses a WebSocket handshake with an HTTP status, before the upgrade. */
public final class HandshakeRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    private HandshakeRefused(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** HTTP 401: no credentials, or credentials that do not identify anyone. */
    public static HandshakeRefused unauthorized(String reason) {
        return new HandshakeRefused(401, reason);
    }

    /** HTTP 403: the caller is known but may not connect. */
    public static HandshakeRefused forbidden(String reason) {
        return new HandshakeRefused(403, reason);
    }

    public int status() {
        return status;
    }
}
