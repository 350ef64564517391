package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;

import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A connection as the hub sees it: something that takes encoded messages without blocking,
 * and can be closed.
 */
public interface Subscriber {

    /** The hook of a thread that is not answering one of this connection's requests. */
    Runnable NO_REPLY = () -> { };

    /** The connection's id, unique on this server. */
    String id();

    /** Who the connection authenticated as, if anyone; channel authorization asks about it. */
    Optional<Principal> principal();

    /**
     * Queues messages for the connection, in order; they may be written together. It must
     * never block: a connection that cannot keep up is closed, and nobody else waits for it.
     */
    void deliver(List<EncodedMessage> messages);

    /**
     * Called on the thread that adds a subscription; the hook it returns runs when the
     * subscription takes effect (on the channel's thread, before the connection receives anything
     * through it) and puts the reply to the request being answered on this thread, if any, after
     * everything queued for the connection so far. So a subscribe's reply follows the channel's
     * earlier messages, which the connection may be receiving through other patterns, and its
     * position holds: everything after the reply has a later offset. Never blocks.
     */
    Runnable replyHere();

    /**
     * Closes the connection with {@code status}; never blocks, and only the first call
     * counts. The stage completes once the connection has closed.
     */
    CompletionStage<Void> close(CloseStatus status);
}
