package dev.streamrpc.broker;

/** The broker refused to subscribe a channel. */
public class CannotSubscribe extends Exception {

    private static final long serialVersionUID = 1L;

    public CannotSubscribe(String message) {
        super(message);
    }

    public CannotSubscribe(String message, Throwable cause) {
        super(message, cause);
    }
}
