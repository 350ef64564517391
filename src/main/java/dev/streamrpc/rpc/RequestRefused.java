package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcException;
import jakarta.json.JsonValue;

/**
 * A frame that is not a usable request: the error to send, and the id and method to send it
 * with where the frame carried them as valid values (null otherwise).
 */
final class RequestRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient JsonValue id;
    private final String method;
    private final RpcException error;

    RequestRefused(JsonValue id, String method, RpcException error) {
        super(error.getMessage(), null, false, false);
        this.id = id;
        this.method = method;
        this.error = error;
    }

    JsonValue id() {
        return id;
    }

    String method() {
        return method;
    }

    RpcException error() {
        return error;
    }
}
