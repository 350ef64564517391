package dev.streamrpc.client;

/** Where a {@link StreamClient}'s connection is; see {@link StreamClient#onStateChange}. */
public enum State {
    /** Opening the first connection; {@link StreamClient#connect} returns only once it is open. */
    CONNECTING,
    /** Connected: calls go out at once. */
    OPEN,
    /** The connection dropped; the client is waiting to try again or trying. Calls wait in the outbound queue. */
    RECONNECTING,
    /** {@link StreamClient#close()} was called; this is final. */
    CLOSED
}
