package dev.streamrpc.api;

/**
 * A refused channel operation. Its message is one of the protocol's fixed texts
 * ({@code Invalid channel}, {@code Cannot publish to channel}, ...), and its field names the
 * payload key it is reported under, so it maps straight onto an RPC error.
 */
public class ChannelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public ChannelException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public ChannelException(String field, String message, Throwable cause) {
        super(message, cause, false, false);
        this.field = field;
    }

    /** The payload key the error is reported under ({@code channel} or {@code event}). */
    public String field() {
        return field;
    }
}
