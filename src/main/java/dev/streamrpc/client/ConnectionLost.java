package dev.streamrpc.client;

/**
 * The connection could not carry a call: it dropped while the call was in flight (the server
 * may or may not have run it), the client was not connected and could not queue the call, the
 * client was closed, or {@link StreamClient#connect} could not open the first connection.
 */
public final class ConnectionLost extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was lost, and why when known */
    public ConnectionLost(String message) {
        super(message);
    }

    /**
     * @param message what was lost
     * @param cause   the failure underneath, such as the handshake's
     */
    public ConnectionLost(String message, Throwable cause) {
        super(message, cause);
    }
}
