package dev.streamrpc.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error reply with a fixed message and optional field errors. RPC methods may throw it to
 * refuse a call with {@code Invalid RPC parameters}; any other exception becomes
 * {@code Internal server error} and is logged, never sent.
 */
public class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> errors;

    public RpcException(String message) {
        this(message, Map.of());
    }

    public RpcException(String message, Map<String, String> errors) {
        // No stack trace: these are expected outcomes, thrown per bad request.
        super(message, null, false, false);
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** {@code Invalid RPC parameters} with the given field errors. */
    public static RpcException invalidParameters(Map<String, String> errors) {
        return new RpcException(ErrorTexts.INVALID_PARAMETERS, errors);
    }

    /** {@code Invalid RPC parameters} with one field error. */
    public static RpcException invalidParameter(String field, String error) {
        return invalidParameters(Map.of(field, error));
    }

    /** Field errors in the order they were found; empty when there are none. */
    public Map<String, String> errors() {
        return errors;
    }
}
