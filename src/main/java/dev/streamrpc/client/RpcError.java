package dev.streamrpc.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server answered a call with an error: {@code {"error": {"message": ..., "errors": {...}}}}.
 * A call's future completes exceptionally with it, for example {@code Invalid RPC parameters}
 * with {@code {"channel": "Invalid channel"}}, or {@code Too many requests}.
 */
public final class RpcError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Field errors in the server's order; unmodifiable and serialisable. */
    private final Map<String, String> errors;

    /**
     * @param message the server's error text
     * @param errors  field errors, empty when there are none
     */
    public RpcError(String message, Map<String, String> errors) {
        super(message, null, false, false);
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** The server's error text, such as {@code Invalid RPC parameters}. */
    public String message() {
        return getMessage();
    }

    /** Field errors by field name, such as {@code channel -> Invalid channel}; empty when there are none. */
    public Map<String, String> errors() {
        return errors;
    }

    @Override
    public String toString() {
        return "RpcError: " + getMessage() + (errors.isEmpty() ? "" : " " + errors);
    }
}
