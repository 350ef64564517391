package dev.streamrpc.api;

import java.security.Principal;
import java.util.Optional;

/**
 * Decides which connections may subscribe to and publish on which channels. Provide one as
 * a CDI bean; without one, every connection may do both. A refusal answers
 * {@code {"channel": "Not allowed"}}. Publications made by application code through
 * {@link Publisher} are not checked. Methods run on the request's thread and must not block.
 */
public interface ChannelAuthorizer {

    /** Whether {@code principal} (empty for an anonymous connection) may subscribe with {@code eventPattern}. */
    default boolean maySubscribe(Optional<Principal> principal, String channel, String eventPattern) {
        return true;
    }

    /** Whether {@code principal} may publish {@code event} (possibly null) on {@code channel}. */
    default boolean mayPublish(Optional<Principal> principal, String channel, String event) {
        return true;
    }
}
