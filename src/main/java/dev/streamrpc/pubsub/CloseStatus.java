package dev.streamrpc.pubsub;

/**
 * Every reason this server closes a connection, with its WebSocket status code and the
 * reason phrase sent, in one place. {@code flush} says whether what is already queued for
 * the connection is sent before the close frame.
 */
public enum CloseStatus {

    /** The server is stopping (1001): queued replies and messages go out first. */
    SHUTTING_DOWN(1001, "Server shutting down", true),
    /** The connection could not keep up (1008): what was queued for it is dropped. */
    SLOW_CONSUMER(1008, "slow consumer", false),
    /** A binary frame (1003): the protocol speaks text frames only. */
    BINARY_FRAME(1003, "text frames only", true),
    /** The peer answered neither a ping nor with a message within a ping interval (1001): it is gone. */
    PING_TIMEOUT(1001, "ping timeout", false),
    /** The server failed to set the connection up, or could not write to it (1011). */
    SERVER_ERROR(1011, "Internal server error", false);

    private final int code;
    private final String reason;
    private final boolean flush;

    CloseStatus(int code, String reason, boolean flush) {
        this.code = code;
        this.reason = reason;
        this.flush = flush;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public boolean flush() {
        return flush;
    }
}
