package dev.streamrpc.api;

/**
 * The protocol's fixed error texts, in one place (PROTOCOL.md sections 3, 4 and 7). Clients
 * compare them byte for byte, so they never change and never carry anything of an exception.
 */
public final class ErrorTexts {

    // --- error messages (section 3)
    public static final String NOT_JSON = "JSON string expected";
    public static final String NOT_AN_OBJECT = "Malformed message; expected dictionary, got ";
    public static final String INVALID_PARAMETERS = "Invalid RPC parameters";
    public static final String NOT_SERIALISABLE = "JSON object expected";
    public static final String INTERNAL_ERROR = "Internal server error";
    public static final String TOO_MANY_REQUESTS = "Too many requests";

    // --- field errors (sections 3, 4 and 7)
    public static final String REQUIRED = "required";
    public static final String MUST_BE_AN_OBJECT = "must be an object";
    public static final String METHOD_NOT_AVAILABLE = " method not available";
    public static final String INVALID_VALUE = "invalid value";
    public static final String MUST_BE_A_STRING = "must be a string";
    public static final String MUST_BE_A_BOOLEAN = "must be a boolean";
    public static final String INVALID_CHANNEL = "Invalid channel";
    public static final String INVALID_EVENT_PATTERN = "Invalid event pattern";
    public static final String INVALID_EVENT = "Invalid event";
    public static final String TOO_MANY_SUBSCRIPTIONS = "Too many subscriptions";
    public static final String NOT_ALLOWED = "Not allowed";
    public static final String CANNOT_SUBSCRIBE = "Cannot subscribe to channel";
    public static final String CANNOT_PUBLISH = "Cannot publish to channel";
    public static final String INVALID_POSITION = "Invalid position";

    private ErrorTexts() {
    }
}
