package dev.streamrpc.broker;

/** The broker could not take a publication. */
public class CannotPublish extends Exception {

    private static final long serialVersionUID = 1L;

    public CannotPublish(String message) {
        super(message);
    }

    public CannotPublish(String message, Throwable cause) {
        super(message, cause);
    }
}
